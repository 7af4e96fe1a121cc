using Backup.Core.Storage;
using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>Checks <see cref="LocalStorageOptions"/> at start.</summary>
internal sealed class LocalStorageOptionsValidator : IValidateOptions<LocalStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalStorageOptions options) =>
        string.IsNullOrWhiteSpace(options.RootPath)
            ? ValidateOptionsResult.Fail($"Backup:Storage:Local:RootPath ({BackupEnvironmentVariables.BackupDir}) must name a directory; it is empty.")
            : ValidateOptionsResult.Success;
}
