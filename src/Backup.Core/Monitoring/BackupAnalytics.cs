using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Monitoring;

/// <summary>Figures over every backup in the store (the analytics overview).</summary>
public sealed record BackupAnalytics
{
    /// <summary>Backups recorded (completed and failed).</summary>
    public int TotalBackups { get; init; }

    /// <summary>Completed backups (the status's <c>TotalBackups</c>, the metric <c>backup_total_backups</c>).</summary>
    public int SuccessfulBackups { get; init; }

    /// <summary>Failed backups.</summary>
    public int FailedBackups { get; init; }

    /// <summary>Completed / recorded, 0..1 (1 when there are none).</summary>
    public double SuccessRate { get; init; }

    /// <summary>Stored bytes of all completed backups.</summary>
    public long TotalStorageBytes { get; init; }

    /// <summary>Average stored size of a completed backup.</summary>
    public double AverageSizeBytes { get; init; }

    /// <summary>Average duration of completed backups.</summary>
    public TimeSpan AverageDuration { get; init; }

    /// <summary>95th percentile duration of completed backups.</summary>
    public TimeSpan P95Duration { get; init; }

    /// <summary>Completed backups per type.</summary>
    public IReadOnlyDictionary<BackupType, int> CountsByType { get; init; } = new Dictionary<BackupType, int>();

    /// <summary>When the newest completed backup of each type finished.</summary>
    public IReadOnlyDictionary<BackupType, DateTimeOffset> LastSuccessByType { get; init; } = new Dictionary<BackupType, DateTimeOffset>();

    /// <summary>When the newest completed backup of any type finished.</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>
    /// The completed backups, as both the status's <c>totalBackups</c> and the metric
    /// <c>backup_total_backups</c> count them: sources a compaction already merged (left by an
    /// interrupted run) are counted once, in the merged incremental.
    /// </summary>
    internal static List<BackupManifest> Completed(IReadOnlyList<BackupManifest> backups)
    {
        var superseded = CompactedSegments.Superseded(backups);
        return [.. backups.Where(b => b.Status == BackupStatus.Completed && !superseded.Contains(b.Id))];
    }

    /// <summary>Computes the figures from manifests.</summary>
    public static BackupAnalytics Of(IReadOnlyList<BackupManifest> backups)
    {
        ArgumentNullException.ThrowIfNull(backups);
        var good = Completed(backups);
        // A merged incremental spans the hour of its sources: that is no backup's duration.
        var durations = good.Where(b => !b.Properties.ContainsKey(ManifestProperties.CompactedLast)).Select(b => b.Duration ?? TimeSpan.Zero).Order().ToList();
        var sizes = good.Select(b => b.StoredBytes).ToList();
        var failed = backups.Count(b => b.Status == BackupStatus.Failed);
        return new BackupAnalytics
        {
            TotalBackups = good.Count + failed,
            SuccessfulBackups = good.Count,
            FailedBackups = failed,
            SuccessRate = good.Count + failed == 0 ? 1 : (double)good.Count / (good.Count + failed),
            TotalStorageBytes = sizes.Sum(),
            AverageSizeBytes = sizes.Count == 0 ? 0 : sizes.Average(),
            AverageDuration = durations.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)durations.Average(d => d.Ticks)),
            // Nearest-rank percentile: the smallest duration at or above 95% of them.
            P95Duration = durations.Count == 0 ? TimeSpan.Zero : durations[(int)Math.Ceiling(0.95 * durations.Count) - 1],
            CountsByType = good.GroupBy(b => b.Type).ToDictionary(g => g.Key, g => g.Count()),
            LastSuccessByType = good.GroupBy(b => b.Type).ToDictionary(g => g.Key, g => g.Max(b => b.CompletedAt ?? b.StartedAt)),
            LastSuccess = good.Count == 0 ? null : good.Max(b => b.CompletedAt ?? b.StartedAt),
        };
    }
}
