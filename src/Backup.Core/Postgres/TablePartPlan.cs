using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Which tables a full backup taken in parts copies itself, and in which parts: every ordinary
/// table (logged or unlogged, partitions included: their rows live there) of the dumped schemas that
/// belongs to no extension, has a column and is not small, split by heap pages into ranges of about
/// the part size when bigger (TID range scans need PostgreSQL 14). Largest first, so the last part
/// to finish is a small one. pg_dump leaves exactly these tables' rows out
/// (<see cref="ExcludeDataArguments"/>) and dumps the small ones itself, while the parts are copied:
/// a thousand tiny tables stay inside one archive instead of becoming a thousand objects.
/// </summary>
internal static class TablePartPlan
{
    private const string TablesSql = """
        SELECT n.nspname, c.relname,
               coalesce((SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), ''),
               pg_relation_size(c.oid) / current_setting('block_size')::bigint,
               current_setting('block_size')::bigint,
               pg_table_size(c.oid),
               EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND c.relpersistence <> 't'
          AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 4 DESC, 1, 2
        """;

    /// <summary>The parts, read in the snapshot's transaction, numbered from 1 in the order to copy them.</summary>
    public static async Task<IReadOnlyList<PlannedPart>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<string> schemas, IReadOnlyList<string> tables, long partBytes, int serverMajor, CancellationToken cancellationToken)
    {
        // Heap and TOAST: a table of few pages may hold megabytes of documents out of line.
        var smallTableBytes = Math.Max(1, partBytes / 32);
        var wanted = tables.Select(SqlIdentifier.SplitQualified).ToHashSet();
        var found = new List<(string Schema, string Table, string Columns, long Pages, long BlockSize, bool HasChildren)>();
        var command = new NpgsqlCommand(TablesSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var (schema, table) = (reader.GetString(0), reader.GetString(1));
                    if ((schemas.Count > 0 && !schemas.Contains(schema)) || (wanted.Count > 0 && !wanted.Contains((schema, table))) || reader.GetString(2).Length == 0 || reader.GetInt64(5) < smallTableBytes)
                    {
                        continue;
                    }
                    found.Add((schema, table, reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetBoolean(6)));
                }
            }
        }
        var parts = new List<PlannedPart>();
        foreach (var (schema, table, columns, pages, blockSize, hasChildren) in found)
        {
            var rangePages = Math.Max(1, partBytes / blockSize);
            if (serverMajor < 14 || pages <= rangePages * 5 / 4)
            {
                parts.Add(new PlannedPart(schema, table, columns, null, null, pages) { HasChildren = hasChildren });
                continue;
            }
            // Ranges of equal size (not full ranges and a stub), so the workers finish together.
            var count = (pages + rangePages - 1) / rangePages;
            var size = (pages + count - 1) / count;
            for (long first = 0; first < pages; first += size)
            {
                // The last range is open: pages added after the snapshot hold no row it sees, but one more range costs nothing.
                var end = first + size >= pages ? (long?)null : first + size;
                parts.Add(new PlannedPart(schema, table, columns, first, end, (end ?? pages) - first) { HasChildren = hasChildren });
            }
        }
        return [.. parts.OrderByDescending(p => p.Pages).Select((p, i) => p with { Index = i + 1 })];
    }

    /// <summary>pg_dump's arguments that leave these tables' rows out (literal patterns: quoted, so dots, case and wildcards mean themselves).</summary>
    public static IEnumerable<string> ExcludeDataArguments(IEnumerable<PlannedPart> parts) =>
        parts.Select(p => (p.Schema, p.Table)).Distinct().Select(t => "--exclude-table-data=" + SqlIdentifier.Quote(t.Schema) + "." + SqlIdentifier.Quote(t.Table));
}

/// <summary>One part to copy: a table, or a range of its heap pages.</summary>
internal sealed record PlannedPart(string Schema, string Table, string Columns, long? FirstPage, long? EndPage, long Pages)
{
    /// <summary>The part's number, from 1.</summary>
    public int Index { get; init; }

    /// <summary>
    /// Whether other tables inherit from this one: its parts hold its own rows only (ONLY), while the
    /// manifest's row count of a table, which restore checks, counts its children's rows too.
    /// </summary>
    public bool HasChildren { get; init; }

    /// <summary>The table as <c>schema.table</c>, the manifest's form.</summary>
    public string Name => $"{Schema}.{Table}";

    /// <summary>The COPY statement that writes the part's rows in text format.</summary>
    public string CopyOutSql()
    {
        var table = SqlIdentifier.Quote(Schema) + "." + SqlIdentifier.Quote(Table);
        if (FirstPage is not { } first)
        {
            return $"COPY {table} ({Columns}) TO STDOUT";
        }
        // ONLY: a table others inherit from holds its own rows only, as COPY of the table itself does.
        var range = $"ctid >= '({first},0)'::tid" + (EndPage is { } end ? $" AND ctid < '({end},0)'::tid" : "");
        return $"COPY (SELECT {Columns} FROM ONLY {table} WHERE {range}) TO STDOUT";
    }
}
