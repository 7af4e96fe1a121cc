using System.Text.RegularExpressions;
using Backup.Core.Abstractions;

namespace Backup.Core.Scheduling;

/// <summary>Checks a schedule before it is stored or run; each error names the field (as in BACKUP_SCHEDULES' JSON).</summary>
internal static partial class ScheduleValidator
{
    public static CronSchedule Validate(BackupSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (string.IsNullOrEmpty(schedule.Id) || !IdPattern().IsMatch(schedule.Id))
        {
            throw new BackupConfigurationException("id", $"Schedule id '{schedule.Id}' must be 1-64 letters, digits, '-' or '_'.");
        }
        if (string.IsNullOrWhiteSpace(schedule.Name))
        {
            throw new BackupConfigurationException("name", $"Schedule '{schedule.Id}': name is required.");
        }
        var cron = CronSchedule.Parse(schedule.CronExpression, schedule.TimeZone);
        var options = schedule.Options ?? throw new BackupConfigurationException("options", $"Schedule '{schedule.Id}': options must not be null.");
        if (options.RetentionDays is < 1)
        {
            throw new BackupConfigurationException("options.retentionDays", $"Schedule '{schedule.Id}': options.retentionDays must be at least 1 (it is {options.RetentionDays}).");
        }
        if (schedule.Type == BackupType.Files && options.Directories.Count == 0)
        {
            throw new BackupConfigurationException("options.directories", $"Schedule '{schedule.Id}': a files schedule needs options.directories.");
        }
        if (options.IncludeFiles && options.Directories.Count == 0)
        {
            throw new BackupConfigurationException("options.directories", $"Schedule '{schedule.Id}': options.includeFiles needs options.directories.");
        }
        if (schedule.Type != BackupType.Full && options.Tables.Count > 0)
        {
            throw new BackupConfigurationException("options.tables", $"Schedule '{schedule.Id}': options.tables applies to full backups only.");
        }
        if (options.ExcludePatterns.Any(string.IsNullOrWhiteSpace))
        {
            throw new BackupConfigurationException("options.excludePatterns", $"Schedule '{schedule.Id}': options.excludePatterns has an empty pattern.");
        }
        return cron;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex IdPattern();
}
