using System.Globalization;
using System.Text;
using Backup.Core.Abstractions;

namespace Backup.Core.Postgres.Archive;

/// <summary>
/// The <c>TABLE DATA</c> TOC entries pg_dump would have written for the tables whose data it was
/// told to leave out (pg_dump.c makeTableDataInfo and dumpTableData), and where in the TOC they go.
/// </summary>
internal static class TableDataEntries
{
    public const string TableData = "TABLE DATA";

    private static TableDataSource SplitAsArchived(TableDataSource table, IEnumerable<(string Schema, string Table)> archived)
    {
        var name = table.Schema + "." + table.Table;
        var matches = archived.Where(a => a.Schema + "." + a.Table == name).Take(2).ToList();
        return matches.Count == 1 ? table with { Schema = matches[0].Schema, Table = matches[0].Table } : table;
    }

    /// <summary>One entry per table, in pg_dump's order, keyed to its source.</summary>
    public static Dictionary<ArchiveTocEntry, TableDataSource> Create(IReadOnlyList<ArchiveTocEntry> existing, IReadOnlyList<TableDataSource> tables)
    {
        var tableEntries = new Dictionary<(string, string), ArchiveTocEntry>();
        foreach (var e in existing.Where(e => e.Desc == "TABLE" && e.Namespace is not null && e.Tag is not null))
            tableEntries.TryAdd((e.Namespace!, e.Tag!), e);
        var withData = existing.Where(e => e.Desc == TableData).Select(e => (e.Namespace, e.Tag)).ToHashSet();
        // A part's table is named schema.table unquoted (the manifest's form), split at the first dot: a
        // schema with a dot in its name splits wrongly, so the archive's own TABLE entry says where the split is.
        tables = [.. tables.Select(t => tableEntries.ContainsKey((t.Schema, t.Table)) ? t : SplitAsArchived(t, tableEntries.Keys))];
        var nextId = existing.Count == 0 ? 1 : existing.Max(e => e.DumpId) + 1;
        var seen = new HashSet<(string, string)>();
        var result = new Dictionary<ArchiveTocEntry, TableDataSource>();
        foreach (var table in tables.OrderBy(t => t, Comparer<TableDataSource>.Create((a, b) => Compare(a.Schema, a.Table, b.Schema, b.Table))))
        {
            var key = (table.Schema, table.Table);
            if (!seen.Add(key))
                throw new BackupException($"Table {table.Schema}.{table.Table} has its data listed twice; each table's data goes into the archive once.");
            if (!tableEntries.TryGetValue(key, out var tableEntry))
                throw new BackupIntegrityException($"Table {table.Schema}.{table.Table} has stored data but no TABLE entry in the schema archive, so pg_restore could not create it. The backup's parts do not match its schema archive.");
            if (withData.Contains(key))
                throw new BackupIntegrityException($"Table {table.Schema}.{table.Table} has data both in the schema archive and stored apart; the backup's parts do not match its schema archive.");
            var entry = new ArchiveTocEntry
            {
                DumpId = nextId++,
                HadDumper = 1,
                // makeTableDataInfo: the data object's catalog id is (0, the table's oid).
                TableOid = "0",
                Oid = tableEntry.Oid,
                Tag = table.Table,
                Desc = TableData,
                Section = ArchiveFormat.SectionData,
                CopyStmt = CopyStatement(table),
                Namespace = table.Schema,
                Owner = tableEntry.Owner,
                WithOids = "false",
                Dependencies = [tableEntry.DumpId.ToString(CultureInfo.InvariantCulture)],
                OffsetState = ArchiveFormat.OffsetPosNotSet,
            };
            result.Add(entry, table);
        }
        return result;
    }

    /// <summary>
    /// dumpTableData's copy statement. pg_dump quotes an identifier only where needed (it knows
    /// the keyword list); this always quotes, which PostgreSQL reads the same.
    /// </summary>
    public static string CopyStatement(TableDataSource table) =>
        $"COPY {SqlIdentifier.Quote(table.Schema)}.{SqlIdentifier.Quote(table.Table)} {(table.ColumnList.Length == 0 ? "" : "(" + table.ColumnList + ")")} FROM stdin;\n";

    /// <summary>
    /// The TOC with <paramref name="added"/> (already in order) placed as pg_dump_sort.c orders
    /// them: TABLE DATA right after the pre-data boundary, sorted by schema then name (strcmp, so
    /// byte order of UTF-8) among any TABLE DATA the archive holds (extension configuration
    /// tables), before SEQUENCE SET, BLOBS and all post-data entries.
    /// </summary>
    public static List<ArchiveTocEntry> Insert(IReadOnlyList<ArchiveTocEntry> existing, IReadOnlyList<ArchiveTocEntry> added)
    {
        var result = new List<ArchiveTocEntry>(existing.Count + added.Count);
        var next = 0;
        foreach (var e in existing)
        {
            while (next < added.Count && GoesBefore(added[next], e))
                result.Add(added[next++]);
            result.Add(e);
        }
        while (next < added.Count)
            result.Add(added[next++]);
        return result;
    }

    private static bool GoesBefore(ArchiveTocEntry added, ArchiveTocEntry e) => e.Section switch
    {
        ArchiveFormat.SectionPostData => true,
        ArchiveFormat.SectionData when e.Desc == TableData => Compare(added.Namespace, added.Tag, e.Namespace, e.Tag) < 0,
        ArchiveFormat.SectionData => true,
        _ => false,
    };

    private static int Compare(string? schemaA, string? nameA, string? schemaB, string? nameB)
    {
        var bySchema = Utf8Compare(schemaA, schemaB);
        return bySchema != 0 ? bySchema : Utf8Compare(nameA, nameB);
    }

    private static int Utf8Compare(string? a, string? b) =>
        Encoding.UTF8.GetBytes(a ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b ?? ""));
}
