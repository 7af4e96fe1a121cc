namespace Backup.Core.Incrementals;

/// <summary>What producing one incremental's change segment yielded for its manifest, and what to do once the manifest is stored.</summary>
/// <param name="EndLsn">The WAL position the segment reaches (change capture); null in timestamp mode.</param>
/// <param name="FirstCommit">The commit time of the first transaction (or the export's snapshot time).</param>
/// <param name="LastCommit">The commit time of the last transaction (or the export's snapshot time).</param>
/// <param name="SnapshotAt">The export's snapshot time (timestamp mode); null with change capture.</param>
/// <param name="Properties">The incremental's manifest properties.</param>
/// <param name="AfterStored">What may happen only once the manifest is stored (acknowledging the slot).</param>
internal sealed record SegmentCapture(
    string? EndLsn, DateTimeOffset? FirstCommit, DateTimeOffset? LastCommit, DateTimeOffset? SnapshotAt,
    IReadOnlyDictionary<string, string> Properties, Func<CancellationToken, Task>? AfterStored);
