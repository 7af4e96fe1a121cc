using Backup.Core.Abstractions;

namespace Backup.Core.Scheduling;

/// <summary>Makes the backup a schedule asks for (and applies retention after it); returns the backup's id.</summary>
public interface IScheduledBackupRunner
{
    /// <summary>Runs one backup for <paramref name="schedule"/>.</summary>
    Task<string> RunAsync(BackupSchedule schedule, CancellationToken cancellationToken);
}
