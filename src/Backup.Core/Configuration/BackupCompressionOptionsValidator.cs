using Backup.Core.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>Checks <see cref="BackupCompressionOptions"/> at start.</summary>
internal sealed class BackupCompressionOptionsValidator : IValidateOptions<BackupCompressionOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupCompressionOptions options)
    {
        try
        {
            (CompressorFactory.Create(options) as IDisposable)?.Dispose();
            return ValidateOptionsResult.Success;
        }
        catch (BackupConfigurationException ex)
        {
            return ValidateOptionsResult.Fail($"Backup:Compression: {ex.Message}");
        }
    }
}
