#!/usr/bin/env bash
# One table back as of a moment vs the whole database, from the same full backup, in one run:
#   a database of BENCH_DB_GB GiB (default 5) made of five tables of equal size, one of which
#   (public.big, BENCH_DB_GB / 5 GiB) is the damaged one; a full backup (zstd + AES-GCM, local
#   store) through the CLI; then, timed, `backup-core restore-tables public.big` (restored beside
#   the live tables into a new schema, compared, SQL written) and `backup-core restore ID` into a
#   new database. Prints the times and the ratio; asserts nothing.
#   BENCH_DB_GB=1 benchmarks/table-restore.sh      (a quick run: a 1 GiB database, a 205 MiB table)
set -euo pipefail
cd "$(dirname "$0")/.."
db_gb=${BENCH_DB_GB:-5}
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet
start_throwaway_postgres bench-tables
export PATH="$PG_BIN:$PATH"

dotnet build src/Backup.Cli -c Release -nologo -v q -clp:ErrorsOnly
cli() { dotnet src/Backup.Cli/bin/Release/net10.0/backup-core.dll "$@" 2>>"$work/cli.log"; }   # progress lines to a log
head -c 32 /dev/urandom | base64 >"$work/backup.key"
chmod 600 "$work/backup.key"
store=(--store "file://$work/store" --key-file "$work/backup.key")
export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/bench"
now() { date +%s.%N; }
trap 'echo "failed; the last lines of backup-core:" >&2; tail -20 "$work/cli.log" >&2' ERR

createdb bench
# About 150 bytes a row on disk (heap + primary key): rows for the size asked, in five tables.
rows=$(echo "$db_gb * 1024 * 1024 * 1024 / 5 / 150" | bc)
started=$(now)
for table in big other_1 other_2 other_3 other_4; do
  psql -q -d bench -c "CREATE TABLE $table (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2), note text, at timestamptz NOT NULL)" &
done
wait
for table in big other_1 other_2 other_3 other_4; do
  # md5 text compresses about as well as real ids and notes do (2-3:1), not as well as repeated filler.
  psql -q -d bench -c "INSERT INTO $table SELECT g, g % 100000, (g % 99991) / 100.0, md5(g::text) || ' ' || md5((g * 7)::text), timestamptz '2026-01-01' + g * interval '1 second' FROM generate_series(1, $rows) g" &
  if [ "$table" = other_1 ] || [ "$table" = other_3 ]; then wait; fi   # two at a time on 2 cores
done
wait
psql -q -d bench -c "VACUUM ANALYZE"
db_bytes=$(psql -At -d bench -c "SELECT pg_database_size('bench')")
big_bytes=$(psql -At -d bench -c "SELECT pg_total_relation_size('public.big')")
printf 'data: %s rows per table, database %.2f GiB, public.big %.2f GiB (generated in %.0f s)\n' \
  "$rows" "$(echo "$db_bytes / 1024^3" | bc -l)" "$(echo "$big_bytes / 1024^3" | bc -l)" "$(echo "$(now) - $started" | bc -l)"

started=$(now)
id=$(cli backup full --json "${store[@]}" | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' | head -1)
backup_s=$(echo "$(now) - $started" | bc -l)
stored=$(du -sb "$work/store" | cut -f1)
printf 'full backup %s: %.0f s, %.2f GiB stored\n' "$id" "$backup_s" "$(echo "$stored / 1024^3" | bc -l)"

# The damage the restore is for; the live table stays online throughout.
psql -q -d bench -c "DELETE FROM big WHERE id % 100 = 0"

started=$(now)
cli restore-tables public.big --schema undo_bench --sql-out "$work/undo.sql" "${store[@]}" >"$work/tables.out"
tables_s=$(echo "$(now) - $started" | bc -l)
restored_rows=$(psql -At -d bench -c "SELECT count(*) FROM undo_bench.big")
missing=$(grep -P '^public\.big\t' "$work/tables.out" | cut -f4)

started=$(now)
cli restore "$id" --target-database whole "${store[@]}" >/dev/null
whole_s=$(echo "$(now) - $started" | bc -l)

printf '\nrestore-tables public.big (beside the live tables, compared, SQL written): %.0f s, %s rows, %s only in restored\n' "$tables_s" "$restored_rows" "$missing"
printf 'restore of the whole database into a new one:                              %.0f s\n' "$whole_s"
printf 'ratio: the one table takes %.2fx the time of the whole database (%.1fx faster)\n' \
  "$(echo "$tables_s / $whole_s" | bc -l)" "$(echo "$whole_s / $tables_s" | bc -l)"
