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
/// inserted with OVERRIDING SYSTEM VALUE and never updated. Sequences are not changed.
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
                    var command = new NpgsqlCommand(table.Sql, connection, transaction) { CommandTimeout = 0 };
                    await using (command.ConfigureAwait(false))
                    {
                        written[table.Source] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return written;
    }

    private static async Task<TableComparison> CompareAsync(NpgsqlConnection connection, RestoredTable table, TableColumns live, TableColumns copy, CancellationToken cancellationToken)
    {
        var common = live.Columns.Where(c => copy.Columns.Any(o => o.Name == c.Name)).ToList();
        var l = SqlIdentifier.QuoteQualified(table.Source);
        var r = SqlIdentifier.QuoteQualified(table.Restored);
        // Compared as text: every type has a text form, not every type an equality (json).
        string Row(string alias, IEnumerable<TableColumn> columns) => "ROW(" + string.Join(", ", columns.Select(c => $"{alias}.{SqlIdentifier.Quote(c.Name)}::text")) + ")";
        var insertable = common.Where(c => !c.Generated).ToList();
        var names = string.Join(", ", insertable.Select(c => SqlIdentifier.Quote(c.Name)));
        var overriding = insertable.Any(c => c.IdentityAlways) ? " OVERRIDING SYSTEM VALUE" : "";
        string sql;
        long onlyLive, onlyRestored, changed = 0;
        if (live.Key.Count > 0 && live.Key.All(k => common.Any(c => c.Name == k)))
        {
            var on = string.Join(" AND ", live.Key.Select(k => $"l.{SqlIdentifier.Quote(k)} = r.{SqlIdentifier.Quote(k)}"));
            var marker = SqlIdentifier.Quote(live.Key[0]);
            var values = common.Where(c => !live.Key.Contains(c.Name)).ToList();
            var differ = values.Count == 0 ? "false" : $"{Row("l", values)} IS DISTINCT FROM {Row("r", values)}";
            (onlyLive, onlyRestored, changed) = await CountsAsync(
                connection,
                $"SELECT count(*) FILTER (WHERE r.{marker} IS NULL), count(*) FILTER (WHERE l.{marker} IS NULL), count(*) FILTER (WHERE l.{marker} IS NOT NULL AND r.{marker} IS NOT NULL AND {differ}) FROM {l} l FULL JOIN ONLY {r} r ON {on}",
                cancellationToken).ConfigureAwait(false);
            var statements = new List<string>();
            if (onlyRestored > 0)
            {
                statements.Add($"INSERT INTO {l} ({names}){overriding} SELECT {string.Join(", ", insertable.Select(c => "r." + SqlIdentifier.Quote(c.Name)))} FROM ONLY {r} r WHERE NOT EXISTS (SELECT FROM {l} l WHERE {on});");
            }
            var settable = values.Where(c => !c.Generated && !c.IdentityAlways).ToList();
            if (changed > 0 && settable.Count > 0)
            {
                statements.Add($"UPDATE {l} AS l SET {string.Join(", ", settable.Select(c => $"{SqlIdentifier.Quote(c.Name)} = r.{SqlIdentifier.Quote(c.Name)}"))} FROM ONLY {r} r WHERE {on} AND {Row("l", values)} IS DISTINCT FROM {Row("r", values)};");
            }
            sql = string.Join("\n", statements);
        }
        else
        {
            // No key to pair rows by: rows are compared whole, and only the missing ones can be put back.
            var all = string.Join(", ", common.Select(c => SqlIdentifier.Quote(c.Name) + "::text"));
            (onlyLive, onlyRestored, _) = await CountsAsync(
                connection,
                $"SELECT (SELECT count(*) FROM (SELECT {all} FROM ONLY {l} EXCEPT ALL SELECT {all} FROM ONLY {r}) x), (SELECT count(*) FROM (SELECT {all} FROM ONLY {r} EXCEPT ALL SELECT {all} FROM ONLY {l}) y), 0::bigint",
                cancellationToken).ConfigureAwait(false);
            var text = string.Join(", ", insertable.Select(c => SqlIdentifier.Quote(c.Name) + "::text"));
            sql = onlyRestored == 0 ? ""
                : $"INSERT INTO {l} ({names}){overriding} SELECT {string.Join(", ", insertable.Select(c => $"m.{SqlIdentifier.Quote(c.Name)}::{c.Type}"))} FROM (SELECT {text} FROM ONLY {r} EXCEPT ALL SELECT {text} FROM ONLY {l}) m;";
        }
        return new TableComparison(table.Source, table.Restored, onlyLive, onlyRestored, changed, live.Key.Count > 0, sql);
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
