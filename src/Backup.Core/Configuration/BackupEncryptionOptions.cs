namespace Backup.Core.Configuration;

/// <summary>
/// Encryption keys (section <c>Backup:Encryption</c>). <see cref="ToString"/> never shows key material.
/// </summary>
public sealed class BackupEncryptionOptions
{
    /// <summary>
    /// Whether new backups are encrypted (BACKUP_ENCRYPTION_ENABLED). When null: yes if a key is
    /// configured. True without a key fails validation.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>The active master key (BACKUP_ENCRYPTION_KEY): base64 of 32 bytes, or a passphrase of 16+ characters.</summary>
    public string? Key { get; set; }

    /// <summary>The active key's id; a fingerprint (raw keys) or <c>passphrase</c> when null.</summary>
    public string? KeyId { get; set; }

    /// <summary>Older keys kept to read backups made before a rotation.</summary>
    public IList<DecryptionKeyOptions> DecryptionKeys { get; } = [];

    /// <summary>Plaintext bytes per encrypted frame; default 1 MiB.</summary>
    public int ChunkSize { get; set; } = Encryption.AesGcmEncryptor.DefaultChunkSize;

    /// <summary>
    /// Whether the details of new manifests — table names and row counts, column names and types,
    /// chosen schemas and tables, comment, error text, file roots and patterns, server version —
    /// are stored encrypted under the active key, so a reader of the bucket without the key sees
    /// only the envelope that listing, retention and recovery planning need. Default true; it
    /// applies only while new backups are encrypted (<see cref="Enabled"/>). Manifests already
    /// written stay as they are, and every manifest is readable whatever this says.
    /// </summary>
    public bool EncryptManifestDetails { get; set; } = true;

    /// <summary>
    /// Whether reading trusts only what the keys vouch for (BACKUP_ENCRYPTION_REQUIRED): data
    /// objects stored in the clear are refused, and so are manifests without a valid
    /// authentication tag (an HMAC under a subkey of a configured key) — restore, verify and
    /// download refuse them, listing and retention skip them. Without it, anyone who can write to
    /// the store can plant a clear backup with a hand-made manifest and have it restored.
    /// When null: true when a key is configured (<see cref="Key"/> or <see cref="DecryptionKeys"/>)
    /// and encryption is not turned off (<see cref="Enabled"/> false). Set it to false only to read
    /// backups taken before encryption was configured, or manifests written before Backup.Core
    /// authenticated them; true without any key fails validation.
    /// </summary>
    public bool? RequireEncryption { get; set; }

    /// <summary>Values from the environment that could not be read.</summary>
    internal List<string> EnvironmentErrors { get; } = [];

    /// <inheritdoc />
    public override string ToString() => $"BackupEncryptionOptions(Enabled={Enabled}, Key={(Key is null ? "unset" : "set")}, KeyId={KeyId}, DecryptionKeys={DecryptionKeys.Count}, EncryptManifestDetails={EncryptManifestDetails}, RequireEncryption={RequireEncryption})";
}

/// <summary>A key kept for decryption only.</summary>
public sealed class DecryptionKeyOptions
{
    /// <summary>Its id (as written in the headers of the backups it sealed); derived like <see cref="BackupEncryptionOptions.KeyId"/> when null.</summary>
    public string? Id { get; set; }

    /// <summary>The key: base64 of 32 bytes, or a passphrase.</summary>
    public string Key { get; set; } = "";

    /// <inheritdoc />
    public override string ToString() => $"DecryptionKeyOptions(Id={Id})";
}
