namespace Backup.Core.Engine;

/// <summary>What draining a chain's slot into a change segment yielded.</summary>
/// <param name="EndLsn">The WAL position the segment reaches; the slot is acknowledged up to it once the manifest is stored.</param>
/// <param name="FirstCommit">The commit time of the segment's first transaction.</param>
/// <param name="LastCommit">The commit time of its last transaction.</param>
/// <param name="AddedPartitions">Partitions met for the first time, with their shapes, to be recorded with the segment.</param>
internal sealed record CapturedChanges(ulong EndLsn, DateTimeOffset? FirstCommit, DateTimeOffset? LastCommit, IReadOnlyList<TableShape> AddedPartitions);

/// <summary>A table's shape (column names and types) as recorded in a manifest.</summary>
internal sealed record TableShape(string Table, string Shape);
