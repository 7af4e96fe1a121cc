namespace Backup.Core.Abstractions;

/// <summary>One schedule's health: its last run and the next.</summary>
public sealed record ScheduleStatus
{
    /// <summary>The schedule.</summary>
    public required BackupSchedule Schedule { get; init; }

    /// <summary>Its runs so far.</summary>
    public required ScheduleRunState State { get; init; }

    /// <summary>When it fires next (null when disabled or never again).</summary>
    public DateTimeOffset? NextRun { get; init; }

    /// <summary>A run going on now in this process.</summary>
    public bool Running { get; init; }

    /// <summary>False when it failed too many times in a row or is overdue; <see cref="Problem"/> says which.</summary>
    public bool IsHealthy => Problem is null;

    /// <summary>Why it is not healthy, or null.</summary>
    public string? Problem { get; init; }
}

/// <summary>Every schedule's status.</summary>
public sealed record SchedulerStatus(IReadOnlyList<ScheduleStatus> Schedules)
{
    /// <summary>True when every enabled schedule is healthy.</summary>
    public bool IsHealthy => Schedules.All(s => s.IsHealthy);
}
