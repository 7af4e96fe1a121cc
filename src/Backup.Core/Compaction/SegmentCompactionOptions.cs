namespace Backup.Core.Compaction;

/// <summary>What <see cref="BackupService.CompactSegmentsAsync"/> merges.</summary>
public sealed class SegmentCompactionOptions
{
    /// <summary>Only change-capture incrementals completed at least this long ago are merged (default 1 hour): newer ones may still be read often, and the hour they belong to may not be over.</summary>
    public TimeSpan CompactAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A merged segment holds at most this many plain (uncompressed) bytes (default 256 MB); a larger hour is split.</summary>
    public long MaxMergedBytes { get; init; } = 256L * 1024 * 1024;
}
