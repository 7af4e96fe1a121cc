namespace Backup.Core.Abstractions;

/// <summary>
/// What is known about a schedule's runs, kept in the store (<c>schedules/state/ID.json</c>) so that
/// every replica and every restart sees it: the last occurrence run (no replica runs it again),
/// and the last run's outcome for status.
/// </summary>
public sealed record ScheduleRunState
{
    /// <summary>The cron occurrence the last run was for (or when it was forced).</summary>
    public DateTimeOffset? LastOccurrence { get; init; }

    /// <summary>When the last run started.</summary>
    public DateTimeOffset? LastStartedAt { get; init; }

    /// <summary>How long it took.</summary>
    public TimeSpan? LastDuration { get; init; }

    /// <summary>Whether it made its backup.</summary>
    public bool? LastSucceeded { get; init; }

    /// <summary>The backup it made, or its error.</summary>
    public string? LastResult { get; init; }

    /// <summary>Failed runs since the last one that succeeded.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>Runs skipped because the previous run was still going (this process).</summary>
    public int SkippedOverlaps { get; init; }

    /// <summary>Occurrences missed while no host ran and not caught up (older than the grace).</summary>
    public int MissedRuns { get; init; }
}
