using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Encryption;

namespace Backup.Core.Configuration;

/// <summary>Builds the key ring and the encryptor from <see cref="BackupEncryptionOptions"/>.</summary>
internal static class EncryptorFactory
{
    /// <summary>The ring of configured keys, or null when no key is configured at all.</summary>
    public static MasterKeyRing? BuildKeyRing(BackupEncryptionOptions options)
    {
        var older = options.DecryptionKeys.Select((k, i) => Parse(k.Key, k.Id, $"Backup:Encryption:DecryptionKeys:{i}:Key")).ToList();
        if (options.Key is null)
        {
            // Only old keys: backups can still be read; new ones cannot be encrypted.
            return older.Count == 0 ? null : new MasterKeyRing(older[0], older.Skip(1));
        }
        return new MasterKeyRing(Parse(options.Key, options.KeyId, $"Backup:Encryption:Key ({BackupEnvironmentVariables.EncryptionKey})"), older);
    }

    /// <summary>The encryptor, or null when no key is configured.</summary>
    public static AesGcmEncryptor? Create(BackupEncryptionOptions options) =>
        BuildKeyRing(options) is { } ring ? new AesGcmEncryptor(ring, options.ChunkSize) : null;

    /// <summary>Whether new backups are encrypted by default.</summary>
    public static bool EncryptsByDefault(BackupEncryptionOptions options) => options.Enabled ?? options.Key is not null;

    /// <summary>Whether reading refuses clear objects and unauthenticated manifests; see <see cref="BackupEncryptionOptions.RequireEncryption"/>.</summary>
    public static bool RequiresEncryption(BackupEncryptionOptions options) =>
        options.RequireEncryption ?? ((options.Key is not null || options.DecryptionKeys.Count > 0) && options.Enabled != false);

    /// <summary>
    /// The catalog of <paramref name="storage"/>: it opens encrypted manifest details with every
    /// configured key, and encrypts new ones while backups are encrypted and
    /// <see cref="BackupEncryptionOptions.EncryptManifestDetails"/> is on.
    /// </summary>
    public static BackupCatalog CreateCatalog(IStorageProvider storage, BackupEncryptionOptions options)
    {
        var keys = BuildKeyRing(options);
        return new BackupCatalog(
            storage,
            keys,
            encryptDetails: keys is not null && EncryptsByDefault(options) && options.EncryptManifestDetails,
            requireAuthentication: RequiresEncryption(options));
    }

    private static MasterKey Parse(string value, string? id, string setting)
    {
        try
        {
            return MasterKey.Parse(value, id);
        }
        catch (ArgumentException ex)
        {
            // The message of MasterKey.Parse never contains the value, so it is safe to show.
            throw new BackupConfigurationException(setting, $"{setting}: {ex.Message}");
        }
    }
}
