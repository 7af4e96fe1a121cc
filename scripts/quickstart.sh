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
"$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -d shop <<'SQL'
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE, joined timestamptz NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL, attributes jsonb);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, product_id int NOT NULL REFERENCES products,
                     quantity int NOT NULL, ordered timestamptz NOT NULL, note text);
INSERT INTO customers SELECT g, 'Customer ' || g, 'c' || g || '@example.com', now() - g * interval '1 minute' FROM generate_series(1, 100000) g;
INSERT INTO products SELECT g, 'Product ' || g, (g % 1000) / 10.0 + 0.99, jsonb_build_object('colour', (ARRAY['red','green','blue'])[g % 3 + 1], 'size', g % 50) FROM generate_series(1, 5000) g;
INSERT INTO orders (customer_id, product_id, quantity, ordered, note)
  SELECT 1 + g % 100000, 1 + g % 5000, 1 + g % 7, now() - g * interval '10 seconds', CASE WHEN g % 10 = 0 THEN 'gift wrap, please' END
  FROM generate_series(1, 500000) g;
CREATE INDEX orders_customer ON orders (customer_id);
ANALYZE;
SQL

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
