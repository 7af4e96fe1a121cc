#!/usr/bin/env bash
# Change capture and replay speed, side by side with the load that produced the changes, in one run:
#   pgbench (TPC-B: 3 updates + 1 insert per transaction) runs for N seconds after a full backup
#   that starts a change-capture chain; then one incremental captures everything it did; then
#   RestoreLatest restores the full backup and replays it. Prints rates and ratios; asserts nothing.
#   benchmarks/bench-pitr.sh [pgbench scale, default 10] [seconds of load, default 20] [clients, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-10}
seconds=${2:-20}
clients=${3:-2}
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet
start_throwaway_postgres bench-pitr
export PATH="$PG_BIN:$PATH"

createdb bench
pgbench -i -s "$scale" -q bench 2>&1 | tail -1
# pgbench_history has no primary key: change capture needs a replica identity (inserts only, so FULL costs nothing).
psql -q -d bench -c "ALTER TABLE pgbench_history REPLICA IDENTITY FULL"

dotnet build benchmarks/FullBackupBench -c Release -nologo -v q -clp:ErrorsOnly
bench=benchmarks/FullBackupBench/bin/Release/net10.0/FullBackupBench
export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/bench" BACKUP_DIR="$work/backups" BENCH_CHANGE_CAPTURE=1
BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export BACKUP_ENCRYPTION_KEY

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
$bench backup 1 >/dev/null
load=$(pgbench -n -T "$seconds" -c "$clients" -j "$clients" bench 2>&1)
tps=$(echo "$load" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
produced=$(echo "$tps * 4" | bc -l)   # row changes per second: 3 updates + 1 insert per transaction

out=$($bench incremental)
capture_s=$(echo "$out" | field seconds); changes=$(echo "$out" | field changes); transactions=$(echo "$out" | field transactions)
out=$($bench restore-latest restored)
replay_s=$(echo "$out" | field replay_seconds); replayed=$(echo "$out" | field changes)

printf '\nload: pgbench scale %s, %s clients, %s s: %.0f tps = %.0f row changes/s produced\n' "$scale" "$clients" "$seconds" "$tps" "$produced"
printf 'capture: %s transactions, %s changes in %s s (incremental backup, zstd + AES-GCM, new process) = %.0f changes/s = %.2fx the production rate\n' \
  "$transactions" "$changes" "$capture_s" "$(echo "$changes / $capture_s" | bc -l)" "$(echo "$changes / $capture_s / $produced" | bc -l)"
printf 'replay:  %s changes in %s s = %.0f changes/s = %.2fx the production rate\n' \
  "$replayed" "$replay_s" "$(echo "$replayed / $replay_s" | bc -l)" "$(echo "$replayed / $replay_s / $produced" | bc -l)"
echo "targets: replay >= 20,000 changes/s and >= 3x the production rate"
