#!/usr/bin/env bash
# Full backup and restore side by side, in one run, on one throwaway PostgreSQL cluster (issue #14):
#   backup:  ours (BackupService, zstd -3, AES-256-GCM, local disk) with Backup:Postgres:Jobs = 1 and 2
#            vs  pg_dump -Fc -Z0 | zstd -3 > file
#            vs  pg_dump -Fd -j2 -Z0 -f dir, then zstd -3 -T0 over its files (both steps timed together)
#            vs  pgBackRest full backup (local repository, compress-type=zst level 3, process-max=2)
#   restore: ours (jobs 1 and 2) into a new database
#            vs  pg_restore -d db from the -Fc -Z0 file (one job)
#            vs  pg_restore -j2 -d db from the -Fd -Z0 directory
#            vs  pgBackRest restore into a new data directory (timed), then that cluster started on
#                another port until it has recovered and promoted (timed apart, "up_s"), its rows counted
#   and the peak RSS of our process. Medians of the rounds; prints times and ratios, asserts nothing.
#
#   benchmarks/bench-full.sh [pgbench|many|both, default pgbench] [rounds, default 3]
#   PGBENCH_SCALE=100   pgbench -i scale (100 is about 1.5 GB, one big table)
#   MANY_SCALE=100      benchmarks/many-tables.sql scale (100 is about 1 GB: the quick start's schema
#                       scaled up plus 40 smaller tables with indexes and foreign keys)
#
# The restore baselines read uncompressed dumps (-Z0, made untimed before the rounds for -Fc and by
# the timed -Fd run), as pg_restore users do; PostgreSQL 15's pg_restore cannot read zstd files.
# Ours with jobs 1 and 2 is the same single stream until Backup:Postgres:Jobs exists; FullBackupBench
# passes BENCH_JOBS through configuration, so nothing here changes when it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:-pgbench}
rounds=${2:-3}
pgbench_scale=${PGBENCH_SCALE:-100}
many_scale=${MANY_SCALE:-100}
case "$dataset" in pgbench | many) datasets=$dataset ;; both) datasets="pgbench many" ;; *) echo "usage: $0 [pgbench|many|both] [rounds]" >&2; exit 2 ;; esac
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet
command -v zstd >/dev/null || { echo "zstd CLI missing: apt-get install -y zstd" >&2; exit 1; }

# pgBackRest from Debian (2.45 on bookworm); without it the script measures the rest.
if ! command -v pgbackrest >/dev/null && [ "$(id -u)" -eq 0 ]; then
  { apt-get install -y pgbackrest || { apt-get update && apt-get install -y pgbackrest; }; } > /tmp/bench-full-apt.log 2>&1 || true
fi
have_pgbr=0
if command -v pgbackrest >/dev/null; then have_pgbr=1; echo "$(pgbackrest version)"; else echo "pgbackrest: not installed"; fi

start_throwaway_postgres bench
export PATH="$PG_BIN:$PATH"
pgdir="$work/postgres"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

dotnet build benchmarks/FullBackupBench -c Release -nologo -v q -clp:ErrorsOnly
bench=benchmarks/FullBackupBench/bin/Release/net10.0/FullBackupBench
export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/bench"
export BACKUP_DIR="$work/backups"
BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export BACKUP_ENCRYPTION_KEY

now() { date +%s.%N; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
mb() { du -sb "$@" | awk '{s += $1} END {printf "%.1f", s / 1048576}'; }
num() { if [ -z "$1" ] || [ "$1" = - ]; then printf "%${2}s" -; else printf "%${2}.2f" "$1"; fi; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { if [ "$2" = - ] || [ "$1" = - ]; then echo -; else echo "$1 / $2" | bc -l; fi; }

# pgBackRest: a stanza over this cluster, a repository under $work. archive_mode is on from the start
# (it needs a restart); archive_command is /bin/true except while pgBackRest backs up, so that
# archive-push compressing the WAL of the other tools' restores does not run beside their timings.
if [ "$have_pgbr" = 1 ]; then
  pgbr="$work/pgbackrest"
  mkdir -p "$pgbr/repo" "$pgbr/log" "$pgbr/lock"
  cat > "$pgbr/pgbackrest.conf" <<CONF
[global]
repo1-path=$pgbr/repo
repo1-retention-full=1
compress-type=zst
compress-level=3
process-max=2
start-fast=y
log-path=$pgbr/log
lock-path=$pgbr/lock
log-level-console=warn
log-level-file=info

[bench]
pg1-path=$pgdir/data
pg1-port=$PGPORT
pg1-socket-path=$pgdir
pg1-user=postgres
CONF
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$pgbr"
  brcmd() { as_postgres pgbackrest --config="$pgbr/pgbackrest.conf" --stanza=bench "$@"; }
  psql -q -d postgres -c "ALTER SYSTEM SET archive_mode = on" -c "ALTER SYSTEM SET archive_command = '/bin/true'"
  as_postgres "$PG_BIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 restart > /dev/null
  brcmd stanza-create
  push="pgbackrest --config=$pgbr/pgbackrest.conf --stanza=bench archive-push %p"
  set_archive_command() {
    psql -q -d postgres -c "ALTER SYSTEM SET archive_command = '$1'" -c "SELECT pg_reload_conf()" > /dev/null
    until [ "$(psql -tA -d postgres -c 'SHOW archive_command')" = "$1" ]; do sleep 0.1; done
  }
  restore_port=$(free_port 26432 26532)
  # A restored cluster left running by a failure is stopped before $work goes.
  on_exit "[ -f '$work/pgbr-restore/postmaster.pid' ] && kill -9 \$(head -1 '$work/pgbr-restore/postmaster.pid') 2>/dev/null || true"
fi

load() {
  psql -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS bench"
  createdb bench
  local t0; t0=$(now)
  case "$1" in
    pgbench) pgbench -i -s "$pgbench_scale" -q bench 2>&1 | tail -1; label="pgbench scale $pgbench_scale"; check_table=pgbench_accounts ;;
    many) psql -q -d bench -v scale="$many_scale" -f benchmarks/many-tables.sql; label="many tables scale $many_scale"; check_table=orders ;;
  esac
  echo "$label loaded in $(printf '%.0f' "$(echo "$(now) - $t0" | bc)") s: $(psql -tA -d bench -c "SELECT pg_size_pretty(pg_database_size('bench')) || ', ' || count(*) || ' tables' FROM pg_tables WHERE schemaname = 'public'")"
}

run_dataset() {
  load "$1"
  local -A v=()
  local keys="dump_bk dir_bk br_bk o1_bk o2_bk dump_rs dir_rs br_rs br_up o1_rs o2_rs"
  for k in $keys; do v[$k]=; done
  local rss1= rss2= size_dump= size_dir= size_br= size_o1= size_o2= rows
  rows=$(psql -tA -d bench -c "SELECT count(*) FROM $check_table")
  # The single-job restore baseline reads a plain custom-format file, made once.
  pg_dump -Fc -Z0 -d bench -f "$work/plain.dump"
  printf '\n%-5s %8s %8s %8s %8s %8s | %8s %8s %8s %8s %8s %8s | %s\n' round dump_bk dir_bk br_bk o1_bk o2_bk dump_rs dir_rs br_rs br_up o1_rs o2_rs "peak_rss_mb(j1 bk/rs, j2 bk/rs)"
  for round in $(seq 1 "$rounds"); do
    local t0 t1 out id1 id2 r
    sync; t0=$(now); pg_dump -Fc -Z0 -d bench | zstd -3 -q -f -o "$work/dump.zst"; t1=$(now)
    v[dump_bk]+=" $(echo "$t1 - $t0" | bc)"; size_dump=$(mb "$work/dump.zst")
    rm -rf "$work/dir"
    # zstd -T0: one file after another, each on all cores (one big table's file would keep a per-file
    # parallel zstd on one core); the .dat files stay for pg_restore -j2 below.
    sync; t0=$(now); pg_dump -Fd -j2 -Z0 -d bench -f "$work/dir"; zstd -3 -T0 -q -f "$work/dir"/*.dat; t1=$(now)
    v[dir_bk]+=" $(echo "$t1 - $t0" | bc)"; size_dir=$(mb "$work"/dir/*.zst)

    rm -rf "$BACKUP_DIR"
    sync; out=$(BENCH_JOBS=1 $bench backup 3)
    v[o1_bk]+=" $(echo "$out" | field seconds)"; id1=$(echo "$out" | field id); r=$(echo "$out" | field peak_rss_mb); rss1="$r"
    size_o1=$(mb "$BACKUP_DIR")
    sync; out=$(BENCH_JOBS=2 $bench backup 3)
    v[o2_bk]+=" $(echo "$out" | field seconds)"; id2=$(echo "$out" | field id); rss2=$(echo "$out" | field peak_rss_mb)
    size_o2=$(printf "%.1f" "$(echo "$(mb "$BACKUP_DIR") - $size_o1" | bc)")

    if [ "$have_pgbr" = 1 ]; then
      set_archive_command "$push"
      sync; t0=$(now); brcmd backup --type=full; t1=$(now)
      set_archive_command /bin/true
      v[br_bk]+=" $(echo "$t1 - $t0" | bc)"; size_br=$(mb "$pgbr/repo/backup")
    fi

    createdb r_dump
    sync; t0=$(now); pg_restore -d r_dump "$work/plain.dump"; t1=$(now)
    v[dump_rs]+=" $(echo "$t1 - $t0" | bc)"; dropdb r_dump
    createdb r_dir
    sync; t0=$(now); pg_restore -j2 -d r_dir "$work/dir"; t1=$(now)
    v[dir_rs]+=" $(echo "$t1 - $t0" | bc)"; dropdb r_dir
    sync; out=$(BENCH_JOBS=1 $bench restore "$id1" r_ours1)
    v[o1_rs]+=" $(echo "$out" | field seconds)"; rss1="$rss1/$(echo "$out" | field peak_rss_mb)"; dropdb r_ours1
    sync; out=$(BENCH_JOBS=2 $bench restore "$id2" r_ours2)
    v[o2_rs]+=" $(echo "$out" | field seconds)"; rss2="$rss2/$(echo "$out" | field peak_rss_mb)"; dropdb r_ours2

    if [ "$have_pgbr" = 1 ]; then
      local target="$work/pgbr-restore"
      rm -rf "$target"; mkdir -m 700 "$target"; [ "$(id -u)" -eq 0 ] && chown postgres: "$target"
      sync; t0=$(now); brcmd --pg1-path="$target" restore; t1=$(now)
      v[br_rs]+=" $(echo "$t1 - $t0" | bc)"
      # Proof that it works: start it on another port (archiving off, its own socket directory),
      # wait until WAL replay is over and it has promoted, and count the rows of the biggest table.
      t0=$(now)
      as_postgres "$PG_BIN/pg_ctl" -D "$target" -l "$pgbr/log/restored-cluster.log" -w -t 300 \
        -o "-c port=$restore_port -c unix_socket_directories=$target -c archive_mode=off" start > /dev/null
      until [ "$(psql -p "$restore_port" -tA -d postgres -c 'SELECT pg_is_in_recovery()')" = f ]; do sleep 0.1; done
      t1=$(now); v[br_up]+=" $(echo "$t1 - $t0" | bc)"
      local restored; restored=$(psql -p "$restore_port" -tA -d bench -c "SELECT count(*) FROM $check_table")
      [ "$restored" = "$rows" ] || echo "pgbackrest restore: $check_table has $restored rows, the source $rows" >&2
      as_postgres "$PG_BIN/pg_ctl" -D "$target" -m fast -w stop > /dev/null
      rm -rf "$target"
    fi

    last() { echo "${v[$1]##* }"; }
    local line k
    line=$(printf '%-5s' "$round")
    for k in dump_bk dir_bk br_bk o1_bk o2_bk; do line+=" $(num "$(last $k)" 8)"; done
    line+=" |"
    for k in dump_rs dir_rs br_rs br_up o1_rs o2_rs; do line+=" $(num "$(last $k)" 8)"; done
    echo "$line | $rss1, $rss2"
  done

  local -A m=()
  for k in $keys; do
    # shellcheck disable=SC2086 # the values are a space-separated list
    if [ -n "${v[$k]}" ]; then m[$k]=$(median ${v[$k]}); else m[$k]=-; fi
  done
  local size; size=$(psql -tA -d bench -c "SELECT pg_size_pretty(pg_database_size('bench'))")
  echo
  echo "== $label (database $size), medians of $rounds rounds =="
  printf '%-50s %9s %10s %9s\n' method backup_s restore_s stored_mb
  printf '%-50s %9.2f %10.2f %9s\n' "pg_dump -Fc -Z0 | zstd -3 / pg_restore file" "${m[dump_bk]}" "${m[dump_rs]}" "$size_dump"
  printf '%-50s %9.2f %10.2f %9s\n' "pg_dump -Fd -j2 -Z0 + zstd -3 -T0 / pg_restore -j2" "${m[dir_bk]}" "${m[dir_rs]}" "$size_dir"
  if [ "$have_pgbr" = 1 ]; then
    printf '%-50s %9.2f %10.2f %9s   (then %.2f s to recover and promote)\n' "pgbackrest full, zst-3, process-max=2" "${m[br_bk]}" "${m[br_rs]}" "$size_br" "${m[br_up]}"
  else
    printf '%-50s %9s %10s %9s\n' "pgbackrest: not installed" - - -
  fi
  printf '%-50s %9.2f %10.2f %9s   (peak RSS MB backup/restore, last round: %s)\n' "ours jobs=1 (zstd -3, AES-256-GCM)" "${m[o1_bk]}" "${m[o1_rs]}" "$size_o1" "$rss1"
  printf '%-50s %9.2f %10.2f %9s   (peak RSS MB backup/restore, last round: %s)\n' "ours jobs=2" "${m[o2_bk]}" "${m[o2_rs]}" "$size_o2" "$rss2"
  echo
  printf '%-28s %10s %10s %11s %11s\n' "ratio ours / other" backup_j1 backup_j2 restore_j1 restore_j2
  local other
  for other in "dump:pg_dump -Fc | zstd" "dir:pg_dump -Fd -j2" "br:pgbackrest"; do
    local k=${other%%:*}
    [ "$k" = br ] && [ "$have_pgbr" = 0 ] && continue
    printf '%-28s %10.2f %10.2f %11.2f %11.2f\n' "${other#*:}" \
      "$(ratio "${m[o1_bk]}" "${m[${k}_bk]}")" "$(ratio "${m[o2_bk]}" "${m[${k}_bk]}")" \
      "$(ratio "${m[o1_rs]}" "${m[${k}_rs]}")" "$(ratio "${m[o2_rs]}" "${m[${k}_rs]}")"
  done
  echo "goals (issue #14): <= 0.80 of pg_dump -Fc | zstd both ways, <= 1.00 of pg_dump -Fd -j2 / pg_restore -j2, peak RSS < 200 MB"
  rm -rf "$BACKUP_DIR" "$work/dir" "$work/plain.dump" "$work/dump.zst"
}

for d in $datasets; do run_dataset "$d"; done
