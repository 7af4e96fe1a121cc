namespace Backup.Core.Scheduling;

/// <summary>Makes the backup a schedule asks for (and applies retention after it); returns the backup's id.</summary>
internal interface IScheduledBackupRunner
{
    /// <summary>Runs one backup for <see cref="ScheduledRun.Schedule"/>.</summary>
    Task<string> RunAsync(ScheduledRun run, CancellationToken cancellationToken);
}
