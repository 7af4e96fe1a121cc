using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Backup.Core.Scheduling;

/// <summary>
/// Checks the schedules of <see cref="BackupOptions"/> (BACKUP_SCHEDULES, <c>Backup:Schedules</c>) at
/// start, so that a bad cron expression stops the host rather than the first run; each message names
/// the schedule's index and field.
/// </summary>
internal sealed class ConfiguredSchedulesValidator : IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Schedules.Count; i++)
        {
            try
            {
                ScheduleValidator.Validate(options.Schedules[i]);
            }
            catch (BackupConfigurationException ex)
            {
                errors.Add($"Backup:Schedules[{i}].{ex.Setting} ({BackupEnvironmentVariables.Schedules}): {ex.Message}");
            }
        }
        foreach (var duplicate in options.Schedules.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"Backup:Schedules ({BackupEnvironmentVariables.Schedules}): the id '{duplicate.Key}' is used by {duplicate.Count()} schedules.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
