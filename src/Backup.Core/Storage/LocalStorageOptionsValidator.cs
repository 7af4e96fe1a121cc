using Microsoft.Extensions.Options;

namespace Backup.Core.Storage;

/// <summary>Checks <see cref="LocalStorageOptions"/> at start.</summary>
internal sealed class LocalStorageOptionsValidator : IValidateOptions<LocalStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalStorageOptions options) =>
        string.IsNullOrWhiteSpace(options.RootPath)
            ? ValidateOptionsResult.Fail($"Backup:Storage:Local:RootPath ({LocalStorageOptions.RootPathVariable}) must name a directory; it is empty.")
            : ValidateOptionsResult.Success;
}
