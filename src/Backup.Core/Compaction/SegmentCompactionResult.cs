namespace Backup.Core.Compaction;

/// <summary>What a compaction run did.</summary>
public sealed record SegmentCompactionResult
{
    /// <summary>Change-capture chains looked at.</summary>
    public int ChainsExamined { get; init; }

    /// <summary>Incrementals merged into others (their objects are gone, unless deleting them failed: the next run does it).</summary>
    public int SegmentsMerged { get; init; }

    /// <summary>Merged incrementals written.</summary>
    public int SegmentsWritten { get; init; }

    /// <summary>Incrementals left behind by an interrupted compaction, already merged, deleted now.</summary>
    public int LeftoversDeleted { get; init; }

    /// <summary>Groups whose merge failed; their incrementals are kept as they were and the next run tries again.</summary>
    public int FailedGroups { get; init; }

    /// <summary>Stored objects (manifests and data) of the examined chains' incrementals before the run.</summary>
    public int ObjectsBefore { get; init; }

    /// <summary>The same after the run.</summary>
    public int ObjectsAfter { get; init; }
}
