using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>Exact row counts of user tables, as <c>schema.table</c> -> rows.</summary>
internal static class RowCounter
{
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(
        NpgsqlConnection connection,
        IReadOnlyList<string> schemas,
        IReadOnlyList<string> tables,
        CancellationToken cancellationToken,
        NpgsqlTransaction? transaction = null,
        IReadOnlySet<string>? skip = null)
    {
        var names = new List<(string Schema, string Table)>();
        var list = new NpgsqlCommand(
            """
            SELECT n.nspname, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND c.relpersistence <> 't'
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
            ORDER BY 1, 2
            """,
            connection,
            transaction);
        await using (list.ConfigureAwait(false))
        {
            var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }
        var wanted = tables.Select(SqlIdentifier.SplitQualified).ToHashSet();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, table) in names)
        {
            if ((schemas.Count > 0 && !schemas.Contains(schema)) || (wanted.Count > 0 && !wanted.Contains((schema, table))))
            {
                continue;
            }
            if (skip?.Contains($"{schema}.{table}") == true)
            {
                continue;
            }
            var count = new NpgsqlCommand(
                $"SELECT count(*) FROM {SqlIdentifier.Quote(schema)}.{SqlIdentifier.Quote(table)}", connection, transaction);
            await using var countScope = count.ConfigureAwait(false);
            counts[$"{schema}.{table}"] = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        return counts;
    }
}
