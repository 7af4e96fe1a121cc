#!/usr/bin/env bash
# Side by side, in one run, on a throwaway PostgreSQL with a pgbench database:
#   backup:  BackupService full backup (zstd -3, AES-256-GCM, local disk)  vs  pg_dump -Fc -Z0 | zstd -3 > file
#            and the same through the backup-core CLI in a fresh process (its start-up cost included)
#   restore: BackupService restore into a new database                     vs  pg_restore of the plain dump from a file
# and the peak RSS of the .NET process. Prints times and ratios; asserts nothing.
#   benchmarks/bench-full.sh [pgbench scale, default 50] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-50}
rounds=${2:-2}
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet
command -v zstd >/dev/null || { echo "zstd CLI missing: apt-get install -y zstd" >&2; exit 1; }

start_throwaway_postgres bench
export PATH="$PG_BIN:$PATH"

echo "pgbench -i -s $scale ..."
createdb bench
pgbench -i -s "$scale" -q bench 2>&1 | tail -1
size=$(psql -tA -d bench -c "SELECT pg_size_pretty(pg_database_size('bench'))")
echo "database: $size"

dotnet build benchmarks/FullBackupBench -c Release -nologo -v q -clp:ErrorsOnly
bench=benchmarks/FullBackupBench/bin/Release/net10.0/FullBackupBench
dotnet build src/Backup.Cli -c Release -nologo -v q -clp:ErrorsOnly
cli=src/Backup.Cli/bin/Release/net10.0/backup-core
# The CLI at the same zstd level as the others (-3), through its --config file.
echo '{ "Backup": { "Compression": { "Level": 3 } } }' > "$work/cli.json"
export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/bench"
export BACKUP_DIR="$work/backups"
BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export BACKUP_ENCRYPTION_KEY

now() { date +%s.%N; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

# The baseline restore reads a plain custom-format dump from a file, as pg_restore users do.
pg_dump -Fc -Z0 -d bench -f "$work/plain.dump"

# ours_bk_s: a new process, zstd level 3 like the shell's zstd -3; warm_s: the same, timed on a second
# backup in one process (a running host); ours_L1_s: new process, the library's default level 1.
# cli_bk_s: `backup-core backup full` in a new process (zstd -3), same store kind and key.
printf '\n%-6s %11s %10s %7s %8s %7s %9s %7s %10s %11s %10s %7s %10s %10s\n' round shell_bk_s ours_bk_s ratio warm_s ratio cli_bk_s ratio ours_L1_s pg_rest_s ours_rest_s ratio rss_bk_mb rss_rs_mb
for round in $(seq 1 "$rounds"); do
  sync
  t0=$(now); pg_dump -Fc -Z0 -d bench | zstd -3 -q -o "$work/shell.dump.zst" -f; t1=$(now)
  shell_backup=$(echo "$t1 - $t0" | bc)
  sync
  out=$($bench backup 3)
  ours_backup=$(echo "$out" | field seconds); rss_backup=$(echo "$out" | field peak_rss_mb); id=$(echo "$out" | field id)
  sync
  ours_level1=$($bench backup 1 | field seconds)
  sync
  ours_warm=$($bench backup-warm 3 | field seconds)
  sync
  t0=$(now); $cli backup full --config "$work/cli.json" --store "file://$work/cli-backups" > /dev/null 2> "$work/cli.log" || { cat "$work/cli.log" >&2; exit 1; }; t1=$(now)
  cli_backup=$(echo "$t1 - $t0" | bc)
  rm -rf "$work/cli-backups"

  createdb "r_shell_$round"
  t0=$(now); pg_restore -d "r_shell_$round" "$work/plain.dump"; t1=$(now)
  shell_restore=$(echo "$t1 - $t0" | bc)
  dropdb "r_shell_$round"
  out=$($bench restore "$id" "r_ours_$round")
  ours_restore=$(echo "$out" | field seconds); rss_restore=$(echo "$out" | field peak_rss_mb)
  dropdb "r_ours_$round"

  printf '%-6s %11.2f %10.2f %7.2f %8.2f %7.2f %9.2f %7.2f %10.2f %11.2f %10.2f %7.2f %10s %10s\n' "$round" "$shell_backup" "$ours_backup" \
    "$(echo "$ours_backup / $shell_backup" | bc -l)" "$ours_warm" "$(echo "$ours_warm / $shell_backup" | bc -l)" \
    "$cli_backup" "$(echo "$cli_backup / $shell_backup" | bc -l)" "$ours_level1" \
    "$shell_restore" "$ours_restore" "$(echo "$ours_restore / $shell_restore" | bc -l)" "$rss_backup" "$rss_restore"
  rm -rf "$BACKUP_DIR"
done
echo
echo "sizes: plain dump $(du -h "$work/plain.dump" | cut -f1), zstd -3 $(du -h "$work/shell.dump.zst" | cut -f1)"
# The CLI's start-up floor: parse only, and compose the library + read an empty store (best of 5).
best_of_5() { local best=; for _ in 1 2 3 4 5; do t0=$(now); "$@" > /dev/null 2>&1 || true; t1=$(now); t=$(echo "$t1 - $t0" | bc); if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi; done; echo "$best"; }
mkdir -p "$work/empty-store"
echo "backup-core start-up (best of 5): --version $(best_of_5 "$cli" --version) s; list of an empty store $(best_of_5 "$cli" list --store "file://$work/empty-store") s"
echo "targets: backup ratio <= 1.10, restore ratio <= 1.10, peak RSS < 200 MB"
