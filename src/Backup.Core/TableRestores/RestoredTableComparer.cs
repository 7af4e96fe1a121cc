using Backup.Core.Abstractions;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Backup.Core.Postgres;
using Npgsql;

namespace Backup.Core.TableRestores;

/// <summary>
/// Restored copies compared with the live tables of the same database, by primary key, and the
/// SQL that copies the restored rows back: rows missing from the live table inserted, rows that
/// differ set to the restored values, rows only in the live table (written since) kept. Columns are
/// those both tables have; generated columns are left to compute; identity ALWAYS columns are
/// inserted with OVERRIDING SYSTEM VALUE and never updated. Sequences are not changed. The live
/// table is read and written ONLY: its inheritance children are tables of their own.
/// </summary>
internal sealed class RestoredTableComparer(ISchemaCopier? database)
{
    /// <summary>See <see cref="BackupService.CompareRestoredTablesAsync"/>.</summary>
    public async Task<TableRestoreComparison> CompareAsync(TableRestoreResult restored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restored);
        if (restored.TargetSchema is null || restored.DryRun)
        {
            throw new BackupException("Only tables restored beside the live ones (into a schema of the live database) can be compared with them.");
        }
        var engine = DatabaseRequired.Require(database);
        var connection = await engine.OpenAsync(restored.Database, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tables = new List<(TableComparison Comparison, IReadOnlyList<string> References)>();
            foreach (var table in restored.Tables)
            {
                var live = await TableColumns.ReadAsync(connection, table.Source, cancellationToken).ConfigureAwait(false);
                var copy = await TableColumns.ReadAsync(connection, table.Restored, cancellationToken).ConfigureAwait(false);
                if (live is null || copy is null)
                {
                    throw new BackupException($"The table {(live is null ? table.Source : table.Restored)} is not in the database '{restored.Database}'.");
                }
                if (live.Partitioned)
                {
                    // Its rows are its partitions', compared one by one.
                    continue;
                }
                tables.Add((await CompareAsync(connection, table, live, copy, cancellationToken).ConfigureAwait(false), live.References));
            }
            return new TableRestoreComparison { Database = restored.Database, Tables = ForeignKeyOrder(tables) };
        }
    }

    /// <summary>See <see cref="BackupService.ApplyRestoredTablesAsync"/>.</summary>
    /// <remarks>
    /// The comparison is a public record its caller may have changed: its <see cref="TableComparison.Sql"/>
    /// is text for people and never run. The statements are built again here from the two tables it
    /// names, once they are checked to be a live table and its restored copy (same name, in another
    /// schema, both plain tables of the database).
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, long>> ApplyAsync(TableRestoreComparison comparison, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var engine = DatabaseRequired.Require(database);
        var written = new Dictionary<string, long>(StringComparer.Ordinal);
        var connection = await engine.OpenAsync(comparison.Database, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var table in comparison.Tables.Where(t => t.Sql.Length > 0))
                {
                    var (live, copy) = await CheckedPairAsync(connection, comparison.Database, table, cancellationToken).ConfigureAwait(false);
                    var statements = CopyBack(new RestoredTable(table.Source, table.Restored, 0), live, copy, insert: true, update: true);
                    written[table.Source] = 0;
                    foreach (var sql in statements)
                    {
                        // No time limit: a copy-back of a big table takes as long as it takes.
                        var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
                        await using (command.ConfigureAwait(false))
                        {
                            written[table.Source] += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return written;
    }

    // The two tables a comparison names, as a restore makes them: the live table and, in another
    // schema, a copy of the same name; anything else is refused before a row is written.
    private static async Task<(TableColumns Live, TableColumns Copy)> CheckedPairAsync(NpgsqlConnection connection, string databaseName, TableComparison table, CancellationToken cancellationToken)
    {
        var (liveSchema, liveName) = SqlIdentifier.SplitQualified(table.Source);
        var (copySchema, copyName) = SqlIdentifier.SplitQualified(table.Restored);
        if (copyName != liveName || copySchema == liveSchema || copySchema.StartsWith("pg_", StringComparison.Ordinal) || copySchema == "information_schema")
        {
            throw new BackupException($"'{table.Restored}' is not a restored copy of '{table.Source}': a copy has the table's name, in a schema of its own. Compare the restored tables again.");
        }
        var live = await TableColumns.ReadAsync(connection, table.Source, cancellationToken).ConfigureAwait(false);
        var copy = await TableColumns.ReadAsync(connection, table.Restored, cancellationToken).ConfigureAwait(false);
        if (live is null || copy is null || live.Partitioned || copy.Partitioned)
        {
            throw new BackupException($"The table {(live is null || live.Partitioned ? table.Source : table.Restored)} is not a table of the database '{databaseName}' that a comparison names. Compare the restored tables again.");
        }
        return (live, copy);
    }

    private static async Task<TableComparison> CompareAsync(NpgsqlConnection connection, RestoredTable table, TableColumns live, TableColumns copy, CancellationToken cancellationToken)
    {
        var common = Common(live, copy);
        var l = SqlIdentifier.QuoteQualified(table.Source);
        var r = SqlIdentifier.QuoteQualified(table.Restored);
        long onlyLive, onlyRestored, changed = 0;
        if (Keyed(live, common))
        {
            var on = string.Join(" AND ", live.Key.Select(k => $"l.{SqlIdentifier.Quote(k)} = r.{SqlIdentifier.Quote(k)}"));
            var marker = SqlIdentifier.Quote(live.Key[0]);
            var values = common.Where(c => !live.Key.Contains(c.Name)).ToList();
            var differ = values.Count == 0 ? "false" : $"{Row("l", values)} IS DISTINCT FROM {Row("r", values)}";
            (onlyLive, onlyRestored, changed) = await CountsAsync(
                connection,
                $"SELECT count(*) FILTER (WHERE r.{marker} IS NULL), count(*) FILTER (WHERE l.{marker} IS NULL), count(*) FILTER (WHERE l.{marker} IS NOT NULL AND r.{marker} IS NOT NULL AND {differ}) FROM ONLY {l} l FULL JOIN ONLY {r} r ON {on}",
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // No key to pair rows by: rows are compared whole, and only the missing ones can be put back.
            var all = string.Join(", ", common.Select(c => SqlIdentifier.Quote(c.Name) + "::text"));
            (onlyLive, onlyRestored, _) = await CountsAsync(
                connection,
                $"SELECT (SELECT count(*) FROM (SELECT {all} FROM ONLY {l} EXCEPT ALL SELECT {all} FROM ONLY {r}) x), (SELECT count(*) FROM (SELECT {all} FROM ONLY {r} EXCEPT ALL SELECT {all} FROM ONLY {l}) y), 0::bigint",
                cancellationToken).ConfigureAwait(false);
        }
        var sql = string.Join("\n", CopyBack(table, live, copy, insert: onlyRestored > 0, update: changed > 0));
        return new TableComparison(table.Source, table.Restored, onlyLive, onlyRestored, changed, live.Key.Count > 0, sql);
    }

    // Compared as text: every type has a text form, not every type an equality (json).
    private static string Row(string alias, IEnumerable<TableColumn> columns) =>
        "ROW(" + string.Join(", ", columns.Select(c => $"{alias}.{SqlIdentifier.Quote(c.Name)}::text")) + ")";

    private static List<TableColumn> Common(TableColumns live, TableColumns copy) =>
        live.Columns.Where(c => copy.Columns.Any(o => o.Name == c.Name)).ToList();

    private static bool Keyed(TableColumns live, List<TableColumn> common) =>
        live.Key.Count > 0 && live.Key.All(k => common.Any(c => c.Name == k));

    // The statements that copy the restored rows back; the live table is read and written ONLY (its
    // inheritance children are other tables, not restored). Each statement finds its rows itself,
    // so running one that has nothing to do changes nothing.
    private static List<string> CopyBack(RestoredTable table, TableColumns live, TableColumns copy, bool insert, bool update)
    {
        var common = Common(live, copy);
        var l = SqlIdentifier.QuoteQualified(table.Source);
        var r = SqlIdentifier.QuoteQualified(table.Restored);
        var insertable = common.Where(c => !c.Generated).ToList();
        var names = string.Join(", ", insertable.Select(c => SqlIdentifier.Quote(c.Name)));
        var overriding = insertable.Any(c => c.IdentityAlways) ? " OVERRIDING SYSTEM VALUE" : "";
        var statements = new List<string>();
        if (Keyed(live, common))
        {
            var on = string.Join(" AND ", live.Key.Select(k => $"l.{SqlIdentifier.Quote(k)} = r.{SqlIdentifier.Quote(k)}"));
            var values = common.Where(c => !live.Key.Contains(c.Name)).ToList();
            if (insert)
            {
                statements.Add($"INSERT INTO {l} ({names}){overriding} SELECT {string.Join(", ", insertable.Select(c => "r." + SqlIdentifier.Quote(c.Name)))} FROM ONLY {r} r WHERE NOT EXISTS (SELECT FROM ONLY {l} l WHERE {on});");
            }
            var settable = values.Where(c => !c.Generated && !c.IdentityAlways).ToList();
            if (update && settable.Count > 0)
            {
                statements.Add($"UPDATE ONLY {l} AS l SET {string.Join(", ", settable.Select(c => $"{SqlIdentifier.Quote(c.Name)} = r.{SqlIdentifier.Quote(c.Name)}"))} FROM ONLY {r} r WHERE {on} AND {Row("l", values)} IS DISTINCT FROM {Row("r", values)};");
            }
        }
        else if (insert)
        {
            var text = string.Join(", ", insertable.Select(c => SqlIdentifier.Quote(c.Name) + "::text"));
            statements.Add($"INSERT INTO {l} ({names}){overriding} SELECT {string.Join(", ", insertable.Select(c => $"m.{SqlIdentifier.Quote(c.Name)}::{c.Type}"))} FROM (SELECT {text} FROM ONLY {r} EXCEPT ALL SELECT {text} FROM ONLY {l}) m;");
        }
        return statements;
    }

    private static async Task<(long, long, long)> CountsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        // A full join of a table of gigabytes takes minutes, not Npgsql's default 30 s.
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            }
        }
    }

    // A referenced table first: rows copied back into it are there for the rows that reference them.
    private static List<TableComparison> ForeignKeyOrder(List<(TableComparison Comparison, IReadOnlyList<string> References)> tables)
    {
        var ordered = new List<TableComparison>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var names = tables.Select(t => t.Comparison.Source).ToHashSet(StringComparer.Ordinal);
        var pending = tables.ToList();
        while (pending.Count > 0)
        {
            // A cycle (or a self-reference) leaves no table ready: the first one goes.
            var next = pending.FirstOrDefault(t => t.References.All(r => r == t.Comparison.Source || !names.Contains(r) || done.Contains(r)));
            if (next.Comparison is null)
            {
                next = pending[0];
            }
            pending.Remove(next);
            done.Add(next.Comparison.Source);
            ordered.Add(next.Comparison);
        }
        return ordered;
    }
}
