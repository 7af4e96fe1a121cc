using Microsoft.Extensions.Options;

namespace Backup.Core.Health;

/// <summary>Checks <see cref="BackupHealthOptions"/> at start; each message names the setting.</summary>
internal sealed class BackupHealthOptionsValidator : IValidateOptions<BackupHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupHealthOptions options)
    {
        var errors = new List<string>();
        if (options.MaxBackupAge <= TimeSpan.Zero)
        {
            errors.Add($"{BackupHealthOptions.SectionName}:MaxBackupAge must be positive; it is {options.MaxBackupAge}.");
        }
        if (options.FailuresInARow < 1)
        {
            errors.Add($"{BackupHealthOptions.SectionName}:FailuresInARow must be at least 1; it is {options.FailuresInARow}.");
        }
        if (options.MaxSlotLagMegabytes is < 1)
        {
            errors.Add($"{BackupHealthOptions.SectionName}:MaxSlotLagMegabytes must be at least 1, or unset; it is {options.MaxSlotLagMegabytes}.");
        }
        if (options.FirstBackupGrace is { } grace && grace < TimeSpan.Zero)
        {
            errors.Add($"{BackupHealthOptions.SectionName}:FirstBackupGrace must not be negative; it is {grace}.");
        }
        if (options.DatabaseTimeout <= TimeSpan.Zero || options.StoreTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{BackupHealthOptions.SectionName}:DatabaseTimeout and StoreTimeout must be positive; they are {options.DatabaseTimeout} and {options.StoreTimeout}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
