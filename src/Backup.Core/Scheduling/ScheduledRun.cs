using Backup.Core.Abstractions;

namespace Backup.Core.Scheduling;

/// <summary>
/// What the scheduler hands to <see cref="IScheduledBackupRunner"/> for one run: the schedule, and
/// what the runner needs to know about the others. The scheduler holds every schedule, so it passes
/// this rather than the runner asking the scheduler back (which made the two depend on each other).
/// </summary>
/// <param name="Schedule">The schedule to run.</param>
/// <param name="RetentionDaysBySchedule">
/// Every schedule's own <see cref="BackupScheduleOptions.RetentionDays"/>, by schedule id (schedules
/// without one are absent: the global setting applies to their backups), as they are when called:
/// the runner asks after the backup, so a schedule changed during a long run is pruned by its new days.
/// </param>
internal sealed record ScheduledRun(BackupSchedule Schedule, Func<IReadOnlyDictionary<string, int>> RetentionDaysBySchedule);
