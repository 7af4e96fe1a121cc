using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// The refusal of a timestamp-mode incremental that would cover no table. Recorded as complete,
/// such an incremental would hold nothing yet move the chain's "since" mark past every change
/// made meanwhile, losing them for good; so it fails, and its message says which column the
/// schema seems to use instead: columns of type timestamp or timestamptz whose name speaks of a
/// change (update, modif, chang, edit, mtime, touch), as in <c>updated_at</c>, <c>last_update</c>,
/// <c>modified_at</c>, <c>last_modified</c>, <c>changed_on</c>.
/// </summary>
internal static class UncoveredTimestampColumn
{
    public const string Setting = "Backup:Postgres:TimestampColumn";

    public static async Task<BackupConfigurationException> RefusalAsync(NpgsqlConnection open, NpgsqlTransaction transaction, string column, CancellationToken cancellationToken)
    {
        var withColumn = await TablesByColumnAsync(open, transaction,
            "a.attname = $1 AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)", column, cancellationToken).ConfigureAwait(false);
        var candidates = await TablesByColumnAsync(open, transaction,
            "a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype) AND a.attname ~* '(updat|modif|chang|edit|mtime|touch)'", null, cancellationToken).ConfigureAwait(false);
        var found = withColumn.Count == 0
            ? $"No table has the column '{column}'."
            : $"The tables with the column '{column}' have no primary key, which replay upserts by: {string.Join(", ", withColumn.SelectMany(c => c.Value))}.";
        var suggestion = candidates.Count == 0
            ? "No table has a timestamp column named like a last-change time (update, modif, chang, edit, mtime, touch)."
            : "Tables with a timestamp column named like a last-change time: "
              + string.Join("; ", candidates.Select(c => $"'{c.Key}' in {string.Join(", ", c.Value)}")) + ".";
        return new BackupConfigurationException(Setting,
            $"Timestamp mode covers no table: {found} An incremental that covers nothing would still move the chain's 'since' mark, and every change made before it would be lost, "
            + $"so none was recorded (the next incremental still starts where the last completed backup left off). {suggestion} "
            + $"Set {Setting} to the column your schema uses, or turn on Backup:Postgres:ChangeCapture.");
    }

    // Tables as their users know them: a partitioned table, not its partitions (which share its columns).
    private static async Task<SortedDictionary<string, List<string>>> TablesByColumnAsync(
        NpgsqlConnection open, NpgsqlTransaction transaction, string condition, string? column, CancellationToken cancellationToken)
    {
        var tables = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var command = new NpgsqlCommand(
            $"""
            SELECT a.attname, n.nspname || '.' || c.relname
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped AND {condition}
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
            ORDER BY 1, 2
            """,
            open, transaction);
        if (column is not null)
        {
            command.Parameters.Add(new() { Value = column });
        }
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var name = reader.GetString(0);
                    if (!tables.TryGetValue(name, out var list))
                    {
                        tables[name] = list = [];
                    }
                    list.Add(reader.GetString(1));
                }
            }
        }
        return tables;
    }
}
