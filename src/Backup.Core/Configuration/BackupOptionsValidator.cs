using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>
/// Checks <see cref="BackupOptions"/> at start; each message names the setting. The schedules are
/// checked beside the scheduler (<c>Scheduling.ConfiguredSchedulesValidator</c>), which knows what a valid schedule is.
/// </summary>
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
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
