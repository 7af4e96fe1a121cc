using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>Checks <see cref="BackupOptions"/> at start; each message names the setting.</summary>
internal sealed class BackupOptionsValidator : IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        var errors = new List<string>(options.EnvironmentErrors);
        if (options.RetentionDays < 1)
        {
            errors.Add($"Backup:RetentionDays ({BackupEnvironmentVariables.RetentionDays}) must be at least 1 day; got {options.RetentionDays}.");
        }
        if (options.MaxBackupSizeMb is < 1)
        {
            errors.Add($"Backup:MaxBackupSizeMb ({BackupEnvironmentVariables.MaxBackupSizeMb}) must be at least 1 MB, or unset for no limit; got {options.MaxBackupSizeMb}.");
        }
        for (var i = 0; i < options.Schedules.Count; i++)
        {
            try
            {
                Scheduling.ScheduleValidator.Validate(options.Schedules[i]);
            }
            catch (Abstractions.BackupConfigurationException ex)
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
