namespace Backup.Core.Drills;

/// <summary>
/// Restore drills over time: how often they succeed and how the recovery time per GB develops.
/// Computed from the drill records a caller chose (the newest ones, or those of a period).
/// </summary>
public sealed record DrillAnalytics
{
    /// <summary>Drills counted (successful and failed).</summary>
    public int TotalDrills { get; init; }

    /// <summary>Drills that succeeded.</summary>
    public int SuccessfulDrills { get; init; }

    /// <summary>Drills that failed.</summary>
    public int FailedDrills { get; init; }

    /// <summary>Successful / counted, 0..1; null when there are none (no drill is not a perfect record).</summary>
    public double? SuccessRate { get; init; }

    /// <summary>
    /// The successful drills that restored data, oldest first. A failed drill has no recovery time
    /// to speak of (it stopped somewhere), so it counts in the rate only.
    /// </summary>
    public IReadOnlyList<DrillRecoveryTime> RecoveryTimes { get; init; } = [];

    /// <summary>The median of <see cref="DrillRecoveryTime.SecondsPerGigabyte"/>; null without points.</summary>
    public double? MedianSecondsPerGigabyte { get; init; }

    /// <summary>The median of <see cref="DrillRecoveryTime.MegabytesPerSecond"/>; null without points.</summary>
    public double? MedianMegabytesPerSecond { get; init; }

    /// <summary>The newest point; null without points.</summary>
    public DrillRecoveryTime? Latest { get; init; }

    /// <summary>Computes the figures from drill records, in any order.</summary>
    public static DrillAnalytics Of(IReadOnlyList<DrillRecord> drills)
    {
        ArgumentNullException.ThrowIfNull(drills);
        var succeeded = drills.Count(d => d.Success);
        var points = drills
            .Where(d => d.Success && d.Bytes > 0 && d.TotalSeconds > 0)
            .OrderBy(d => d.StartedAt)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => new DrillRecoveryTime
            {
                Id = d.Id,
                StartedAt = d.StartedAt,
                Bytes = d.Bytes,
                TotalSeconds = d.TotalSeconds,
                SecondsPerGigabyte = d.TotalSeconds / (d.Bytes / 1e9),
                MegabytesPerSecond = d.Bytes / 1e6 / d.TotalSeconds,
                Phases = d.Phases,
            })
            .ToList();
        return new DrillAnalytics
        {
            TotalDrills = drills.Count,
            SuccessfulDrills = succeeded,
            FailedDrills = drills.Count - succeeded,
            SuccessRate = drills.Count == 0 ? null : (double)succeeded / drills.Count,
            RecoveryTimes = points,
            MedianSecondsPerGigabyte = Median(points.Select(p => p.SecondsPerGigabyte)),
            MedianMegabytesPerSecond = Median(points.Select(p => p.MegabytesPerSecond)),
            Latest = points.Count == 0 ? null : points[^1],
        };
    }

    // The middle value, or the mean of the middle two: one slow drill does not move it as it moves a mean.
    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
