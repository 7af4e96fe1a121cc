namespace Backup.Core.Abstractions;

/// <summary>
/// Cron schedules for backups: kept in storage so they survive restarts, run by a hosted
/// service, each run happening once even when several replicas of the host run.
/// </summary>
public interface IScheduler
{
    /// <summary>Adds a schedule.</summary>
    /// <exception cref="BackupConfigurationException">The cron expression, time zone or options are invalid; names the field.</exception>
    Task<BackupSchedule> CreateScheduleAsync(BackupSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>Replaces the schedule with the same id.</summary>
    Task<BackupSchedule> UpdateScheduleAsync(BackupSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule; returns <see langword="false"/> when there was none with that id.</summary>
    Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Enables a schedule.</summary>
    Task<BackupSchedule> EnableScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Disables a schedule; a run already going finishes.</summary>
    Task<BackupSchedule> DisableScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Runs a schedule now, outside its cron times, and returns the id of the backup it made.</summary>
    Task<string> ForceRunScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Gets one schedule, or <see langword="null"/>.</summary>
    Task<BackupSchedule?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Lists all schedules.</summary>
    IAsyncEnumerable<BackupSchedule> ListSchedulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts of schedules and the next time one fires.</summary>
    SchedulerStats GetSchedulerStats();

    /// <summary>
    /// Each schedule's last run, result, duration and next run, and its health: a schedule is
    /// unhealthy when it failed too many times in a row or a run it owed has not happened
    /// (<see cref="SchedulerStatus.IsHealthy"/>; the health check reports these).
    /// </summary>
    SchedulerStatus GetDetailedStatus();
}

/// <summary>A cron schedule for one kind of backup.</summary>
public sealed record BackupSchedule
{
    /// <summary>Stable id (letters, digits, '-' and '_').</summary>
    public required string Id { get; init; }

    /// <summary>A name for people.</summary>
    public required string Name { get; init; }

    /// <summary>What the schedule backs up.</summary>
    public BackupType Type { get; init; } = BackupType.Full;

    /// <summary>Five fields, or six with seconds first.</summary>
    public required string CronExpression { get; init; }

    /// <summary>IANA or Windows time zone id the expression is read in; UTC when null.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Whether it fires.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Per-run options.</summary>
    public BackupScheduleOptions Options { get; init; } = new();
}

/// <summary>Options of the backups a schedule makes.</summary>
public sealed record BackupScheduleOptions
{
    /// <summary>Also back up the configured directories with a full backup.</summary>
    public bool IncludeFiles { get; init; }

    /// <summary>Compress with the configured compressor.</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Encrypt with the configured key; when null, as configured (BACKUP_ENCRYPTION_ENABLED).</summary>
    public bool? Encrypt { get; init; }

    /// <summary>Days this schedule's backups are kept; the global setting when null.</summary>
    public int? RetentionDays { get; init; }

    /// <summary>A comment written into each manifest.</summary>
    public string? Comment { get; init; }

    /// <summary>Only these tables; all when empty.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>Directories for file backups.</summary>
    public IReadOnlyList<string> Directories { get; init; } = [];

    /// <summary>Glob patterns of files to leave out of file backups.</summary>
    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];
}

/// <summary>Scheduler counts.</summary>
/// <param name="TotalSchedules">All schedules.</param>
/// <param name="ActiveSchedules">Enabled schedules.</param>
/// <param name="NextScheduledBackup">When the next enabled schedule fires, if any.</param>
public sealed record SchedulerStats(int TotalSchedules, int ActiveSchedules, DateTimeOffset? NextScheduledBackup);
