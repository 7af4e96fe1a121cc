namespace Backup.Core.Changes;

/// <summary>
/// What a change segment holds, in stream order: partitions created since the chain's full backup
/// (version 3, first), relation descriptions (before the first change that uses them), transactions as begin / changes / commit, sequence values, and the end.
/// </summary>
internal abstract record SegmentItem;

/// <summary>A relation's description; later changes refer to it by OID.</summary>
internal sealed record RelationItem(SegmentRelation Relation) : SegmentItem;

/// <summary>A partition new since the chain's full backup: replay creates it before rows need it.</summary>
internal sealed record PartitionItem(SegmentPartition Partition) : SegmentItem;

/// <summary>The start of a committed transaction.</summary>
/// <param name="Xid">Its transaction id.</param>
/// <param name="CommitLsn">Its commit record's WAL position.</param>
/// <param name="CommitTime">When it committed.</param>
internal sealed record BeginItem(uint Xid, ulong CommitLsn, DateTimeOffset CommitTime) : SegmentItem;

/// <summary>
/// A schema change (DDL statement) of the current transaction, at its place among the row changes
/// (format version 5): replay runs it there.
/// </summary>
internal sealed record SchemaChangeItem(SchemaChange Change) : SegmentItem;

/// <summary>A row change of the current transaction.</summary>
internal sealed record ChangeItem(RowChange Change) : SegmentItem;

/// <summary>The end of the current transaction: replay applies it as a whole, or not at all.</summary>
internal sealed record CommitItem(uint Xid, ulong CommitLsn) : SegmentItem;

/// <summary>A sequence's value when the segment was taken.</summary>
internal sealed record SequenceItem(string Schema, string Name, long LastValue, bool IsCalled) : SegmentItem;

/// <summary>The end of the segment, with totals a reader checks, so that truncation at a record boundary is detected.</summary>
internal sealed record EndItem(long Transactions, long Changes, ulong EndLsn) : SegmentItem;

/// <summary>
/// In a compacted segment (version 4), the end of one merged source segment's items and the start
/// of the next: replay does at a boundary what it does at the end of a segment.
/// </summary>
internal sealed record SourceBoundaryItem : SegmentItem
{
    public static readonly SourceBoundaryItem Instance = new();
}
