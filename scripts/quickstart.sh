#!/usr/bin/env bash
# The main job on a fresh machine: a throwaway PostgreSQL with a sample database, a full backup
# to local disk (zstd + AES-256-GCM), a verify, a restore into a new database, a summary.
# Everything it starts is stopped and removed at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet

start_throwaway_postgres quickstart

echo "Creating the sample database 'shop' (customers, products, orders: ~600k rows)..."
"$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE shop"
"$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -d shop -f scripts/lib/shop.sql

export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/shop"
export BACKUP_DIR="$work/backups"
BACKUP_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export BACKUP_ENCRYPTION_KEY
export Logging__LogLevel__Default=Warning

status=0
dotnet run --project samples/QuickStart -c Release || status=$?
echo
echo "This was a throwaway run: the PostgreSQL server, the store ($BACKUP_DIR) and the random key"
echo "are removed now, so the backup above cannot be restored later. To keep backups, run"
echo "samples/QuickStart (or your host) with your own DATABASE_URL, BACKUP_DIR and BACKUP_ENCRYPTION_KEY."
exit "$status"
