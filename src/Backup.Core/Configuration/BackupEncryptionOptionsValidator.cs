using Backup.Core.Encryption;
using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>Checks <see cref="BackupEncryptionOptions"/> at start; messages name the setting and never show a key.</summary>
internal sealed class BackupEncryptionOptionsValidator : IValidateOptions<BackupEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupEncryptionOptions options)
    {
        var errors = new List<string>(options.EnvironmentErrors);
        if (options.Enabled == true && options.Key is null)
        {
            errors.Add($"Encryption is enabled (Backup:Encryption:Enabled / {BackupEnvironmentVariables.EncryptionEnabled}) but no key is set: set Backup:Encryption:Key or {BackupEnvironmentVariables.EncryptionKey} (base64 of 32 random bytes, e.g. 'openssl rand -base64 32', or a passphrase of {MasterKey.MinPassphraseLength}+ characters).");
        }
        if (options.RequireEncryption == true && options.Key is null && options.DecryptionKeys.Count == 0)
        {
            errors.Add($"Backup:Encryption:RequireEncryption ({BackupEnvironmentVariables.EncryptionRequired}) is true but no key is set: reading would refuse every backup. Set Backup:Encryption:Key or {BackupEnvironmentVariables.EncryptionKey}, or turn RequireEncryption off.");
        }
        if (options.RequireEncryption == true && options.Enabled == false)
        {
            errors.Add($"Backup:Encryption:RequireEncryption ({BackupEnvironmentVariables.EncryptionRequired}) is true while encryption is disabled (Backup:Encryption:Enabled / {BackupEnvironmentVariables.EncryptionEnabled} is false): new backups would be stored in the clear and then refused on reading. Enable encryption, or turn RequireEncryption off.");
        }
        if (options.ChunkSize is < 4096 or > 16 << 20)
        {
            errors.Add($"Backup:Encryption:ChunkSize must be between 4096 and {16 << 20} bytes; got {options.ChunkSize}.");
        }
        try
        {
            EncryptorFactory.BuildKeyRing(options);
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message);
        }
        catch (Abstractions.BackupConfigurationException ex)
        {
            errors.Add(ex.Message);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
