namespace Backup.Core.Scheduling;

/// <summary>Options of the scheduler (section <c>Backup:Scheduler</c>).</summary>
public sealed class SchedulerOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Backup:Scheduler";

    /// <summary>Run schedules in this host (default true). Off: the API manages schedules, another host runs them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A run missed while no host was up is caught up once at start if it is at most this old (default 1 hour); older ones are skipped and logged.</summary>
    public TimeSpan CatchUpGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long stopping the host waits for a running backup before cancelling it (default 10 minutes; a cancelled backup leaves nothing behind).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A schedule is unhealthy after this many failed runs in a row (default 3).</summary>
    public int FailuresBeforeUnhealthy { get; set; } = 3;

    /// <summary>A schedule is overdue (unhealthy) when its last run is older than its previous occurrence by more than this (default 15 minutes).</summary>
    public TimeSpan OverdueAfter { get; set; } = TimeSpan.FromMinutes(15);
}
