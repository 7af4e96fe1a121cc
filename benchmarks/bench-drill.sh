#!/usr/bin/env bash
# The restore drill's recovery time per GB, on a throwaway PostgreSQL, for two databases:
#   shop   the quick start's sample database (scripts/lib/shop.sql, ~600k rows)
#   bench  pgbench -i -s SCALE (default 50)
# For each: a full backup (change capture on, zstd -3, AES-256-GCM, local disk), a short write load
# and an incremental backup (so the drill has something to replay), the full backup's content read
# from the store alone (the download share of the restore), then a restore drill (BackupService
# RunRestoreDrillAsync). Prints seconds, GB, s/GB and MB/s per phase; asserts nothing.
#   benchmarks/bench-drill.sh [pgbench scale, default 50]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-50}
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet
start_throwaway_postgres bench-drill
export PATH="$PG_BIN:$PATH"

dotnet build benchmarks/FullBackupBench -c Release -nologo -v q -clp:ErrorsOnly
bench=benchmarks/FullBackupBench/bin/Release/net10.0/FullBackupBench
BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export BACKUP_ENCRYPTION_KEY BENCH_CHANGE_CAPTURE=1

# One NAME=value field of the bench program's line (whole names: "bytes" is not "stored_bytes").
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
# phase NAME SECONDS BYTES: one line of the table (GB and MB are 10^9 and 10^6 bytes).
phase() {
  awk -v n="$1" -v s="$2" -v b="$3" 'BEGIN {
    gb = b / 1e9
    printf "  %-9s %9.2f s %9.3f GB %10s s/GB %10s MB/s\n", n, s, gb,
      (gb > 0 ? sprintf("%.1f", s / gb) : "-"), (s > 0 ? sprintf("%.1f", b / 1e6 / s) : "-")
  }'
}

# measure DATABASE LOAD_SQL_OR_COMMAND
measure() {
  local db=$1 load=$2
  export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$db" BACKUP_DIR="$work/backups-$db"
  local out full_id full_bytes incr_bytes changes
  out=$($bench backup 3); full_id=$(echo "$out" | field id); full_bytes=$(echo "$out" | field bytes)
  eval "$load"
  out=$($bench incremental); incr_bytes=$(echo "$out" | field bytes); changes=$(echo "$out" | field changes)
  out=$($bench download "$full_id"); local download_s; download_s=$(echo "$out" | field seconds)
  out=$($bench drill)
  local total bytes restore replay verify checks
  total=$(echo "$out" | field total_seconds); bytes=$(echo "$out" | field bytes)
  restore=$(echo "$out" | field restore_seconds); replay=$(echo "$out" | field replay_seconds)
  verify=$(echo "$out" | field verify_seconds); checks=$(echo "$out" | field checks_seconds)
  echo
  echo "$db: database $(psql -tA -d "$db" -c "SELECT pg_size_pretty(pg_database_size('$db'))"), full backup $full_bytes plain bytes, incremental $incr_bytes bytes ($changes changes)"
  phase download "$download_s" "$full_bytes"
  phase restore "$restore" "$full_bytes"
  phase replay "$replay" "$incr_bytes"
  phase verify "$verify" "$full_bytes"
  phase checks "$checks" 0
  phase drill "$total" "$bytes"
  echo "  (download: the full backup read, decrypted and decompressed alone, in a process of its own; in the drill it streams into the restore, whose time includes it)"
}

echo "Creating 'shop' (the quick start's database)..."
createdb shop
psql -q -v ON_ERROR_STOP=1 -d shop -f scripts/lib/shop.sql
echo "Creating 'bench' (pgbench -i -s $scale)..."
createdb bench
pgbench -i -s "$scale" -q bench 2>&1 | tail -1
# pgbench_history has no primary key: change capture needs a replica identity (inserts only, so FULL costs nothing).
psql -q -d bench -c "ALTER TABLE pgbench_history REPLICA IDENTITY FULL"

measure shop 'psql -q -d shop -c "UPDATE orders SET quantity = quantity + 1 WHERE id % 10 = 0"'
measure bench 'pgbench -n -T 15 -c 2 -j 2 bench >/dev/null 2>&1'
