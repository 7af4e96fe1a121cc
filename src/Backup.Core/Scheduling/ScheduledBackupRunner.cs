using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.Core.Scheduling;

/// <summary>
/// Makes a schedule's backup through <see cref="BackupService"/> (full, with files when asked;
/// incremental; files), then applies retention with every schedule's own retentionDays, which the
/// scheduler passes in <see cref="ScheduledRun"/>. A run waits for another backup of the database
/// rather than failing.
/// </summary>
internal sealed class ScheduledBackupRunner(BackupService backups) : IScheduledBackupRunner
{
    public async Task<string> RunAsync(ScheduledRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var schedule = run.Schedule;
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
}
