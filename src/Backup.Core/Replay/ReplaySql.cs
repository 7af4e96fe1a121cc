using Backup.Core.Changes;
using Backup.Core.Postgres;

namespace Backup.Core.Replay;

/// <summary>Quoted names for replay's statements.</summary>
internal static class ReplaySql
{
    public static string Table(SegmentRelation relation) => $"{SqlIdentifier.Quote(relation.Schema)}.{SqlIdentifier.Quote(relation.Name)}";

    public static string ColumnList(SegmentRelation relation) => string.Join(", ", relation.Columns.Select(c => SqlIdentifier.Quote(c.Name)));

    /// <summary>
    /// <c>INSERT INTO table (columns) OVERRIDING SYSTEM VALUE</c>: the source's values go into identity
    /// columns too (a table without one accepts the clause as well).
    /// </summary>
    public static string InsertInto(SegmentRelation relation) => $"INSERT INTO {Table(relation)} ({ColumnList(relation)}) OVERRIDING SYSTEM VALUE";
}
