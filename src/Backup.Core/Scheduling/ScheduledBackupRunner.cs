using Backup.Core.Abstractions;
using Backup.Core.Drills;
using Backup.Core.Operations;

namespace Backup.Core.Scheduling;

/// <summary>
/// Makes a schedule's backup through <see cref="BackupService"/> (full, with files when asked;
/// incremental; files), then applies retention with every schedule's own retentionDays, which the
/// scheduler passes in <see cref="ScheduledRun"/>. A run waits for another backup of the database
/// rather than failing. A drill schedule runs a restore drill instead (no retention: it stores no backup).
/// </summary>
internal sealed class ScheduledBackupRunner(BackupService backups) : IScheduledBackupRunner
{
    public async Task<string> RunAsync(ScheduledRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var schedule = run.Schedule;
        if (schedule.Type == BackupType.Drill)
        {
            return await DrillAsync(schedule, cancellationToken).ConfigureAwait(false);
        }
        var o = schedule.Options;
        var manifest = schedule.Type switch
        {
            BackupType.Full => await backups.CreateFullBackupAsync(new FullBackupOptions
            {
                Compress = o.Compress,
                Encrypt = o.Encrypt,
                Comment = o.Comment,
                Tables = o.Tables,
                ScheduleId = schedule.Id,
                WaitIfBusy = true,
                IncludeFiles = o.IncludeFiles ? new FileBackupOptions { Directories = o.Directories, ExcludePatterns = o.ExcludePatterns } : null,
            }, null, cancellationToken).ConfigureAwait(false),
            BackupType.Incremental => await backups.CreateIncrementalBackupAsync(new IncrementalBackupOptions { Compress = o.Compress, Encrypt = o.Encrypt, Comment = o.Comment, ScheduleId = schedule.Id, WaitIfBusy = true }, null, cancellationToken).ConfigureAwait(false),
            _ => await backups.CreateFileBackupAsync(schedule.Name, new FileBackupOptions
            {
                Directories = o.Directories,
                ExcludePatterns = o.ExcludePatterns,
                Compress = o.Compress,
                Encrypt = o.Encrypt,
                Comment = o.Comment,
                ScheduleId = schedule.Id,
            }, null, cancellationToken).ConfigureAwait(false),
        };
        await backups.CleanupOldBackupsAsync(dryRun: false, run.RetentionDaysBySchedule(), cancellationToken).ConfigureAwait(false);
        return manifest.Id;
    }

    private async Task<string> DrillAsync(BackupSchedule schedule, CancellationToken cancellationToken)
    {
        var drill = await backups.RunRestoreDrillAsync(new DrillOptions { ScheduleId = schedule.Id }, cancellationToken).ConfigureAwait(false);
        // The record holds the finding; failing the run as well lets the schedule's own health
        // (failures in a row) and its last result show it like a failed backup's.
        return drill.Success ? drill.Id : throw new BackupException($"Restore drill {drill.Id} failed: {drill.Error}");
    }
}
