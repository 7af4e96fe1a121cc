using Microsoft.Extensions.Options;

namespace Backup.Storage.Gcs;

/// <summary>Checks <see cref="GcsStorageOptions"/> at start; every message names its setting.</summary>
internal sealed class GcsStorageOptionsValidator : IValidateOptions<GcsStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, GcsStorageOptions options) =>
        GcsStorageProvider.Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
