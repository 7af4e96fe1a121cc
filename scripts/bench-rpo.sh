#!/usr/bin/env bash
# Continuous capture's recovery point under load: pgbench (scale 10, 2 clients, full rate) runs for
# N seconds while continuous capture (FlushInterval 1 s) records the chain in a benchmark process.
# A sampler in that process commits a probe row every ~100 ms; a sample's lag is the moment the
# capture's recovery point first covers its commit minus the commit. Prints p50/p99/max of the lag,
# the capture rate against pgbench's, objects written per minute and the capture's CPU share.
# Asserts nothing.
#   scripts/bench-rpo.sh [seconds of load, default 60] [local|s3, default local]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
store=${2:-local}
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet
start_throwaway_postgres bench-rpo
export PATH="$PG_BIN:$PATH"

createdb bench
pgbench -i -s 10 -q bench 2>&1 | tail -1
# pgbench_history has no primary key: change capture needs a replica identity (inserts only, so FULL costs nothing).
# The probe table exists before the full backup: a table created later would end the chain.
psql -q -d bench -c "ALTER TABLE pgbench_history REPLICA IDENTITY FULL" -c "CREATE TABLE rpo_probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL)"

dotnet build benchmarks/FullBackupBench -c Release -nologo -v q -clp:ErrorsOnly
bench=benchmarks/FullBackupBench/bin/Release/net10.0/FullBackupBench
export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/bench" BACKUP_DIR="$work/backups"
BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export BACKUP_ENCRYPTION_KEY
s3=()
if [ "$store" = s3 ]; then
  start_storage_servers
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  curl -sf -X PUT "$BACKUP_TEST_S3_ENDPOINT/bench-rpo" >/dev/null
  s3=("$BACKUP_TEST_S3_ENDPOINT" bench-rpo)
fi

out=$($bench rpo "$seconds" "${s3[@]}")
field() { echo "$out" | sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
tps=$(field tps); wall=$(field wall); changes=$(field changes); segments=$(field segments); cpu=$(field cpu)
produced=$(echo "$tps * 4" | bc -l)   # row changes per second: 3 updates + 1 insert per transaction (plus 10 probe rows/s)

printf '\nstore: %s; load: pgbench scale 10, 2 clients, %s s at full rate: %.0f tps = %.0f row changes/s\n' "$store" "$seconds" "$tps" "$produced"
printf 'recovery point lag over %s samples: p50 %s s, p99 %s s, max %s s (%s s into the run) (goal: p99 <= 1 s with FlushInterval 1 s on local disk)\n' \
  "$(field samples)" "$(field p50)" "$(field p99)" "$(field max)" "$(field max_at)"
printf 'per segment: first commit to stored p50 %s s, max %s s; segment opened (first change arrived) to stored p50 %s s\n' \
  "$(field first_commit_to_stored_p50)" "$(field first_commit_to_stored_max)" "$(field opened_to_stored_p50)"
printf 'capture: %s changes in %s segments over %s s = %.0f changes/s stored = %.2fx the production rate\n' \
  "$changes" "$segments" "$wall" "$(echo "$changes / $wall" | bc -l)" "$(echo "$changes / $wall / $produced" | bc -l)"
printf 'objects written: %.0f per minute (a data object and a manifest per segment), before compaction\n' "$(echo "$segments * 2 * 60 / $wall" | bc -l)"
printf 'CPU: the capture process used %s s in %s s = %.0f%% of one core = %.0f%% of the host (%s cores; pgbench and PostgreSQL ran on the same cores)\n' \
  "$cpu" "$wall" "$(echo "100 * $cpu / $wall" | bc -l)" "$(echo "100 * $cpu / $wall / $(nproc)" | bc -l)" "$(nproc)"
