using Backup.Core.Changes;
using Backup.Core.Postgres;

namespace Backup.Core.Replay;

/// <summary>Quoted names for replay's statements.</summary>
internal static class ReplaySql
{
    public static string Table(SegmentRelation relation) => $"{SqlIdentifier.Quote(relation.Schema)}.{SqlIdentifier.Quote(relation.Name)}";

    public static string ColumnList(SegmentRelation relation) => string.Join(", ", relation.Columns.Select(c => SqlIdentifier.Quote(c.Name)));
}
