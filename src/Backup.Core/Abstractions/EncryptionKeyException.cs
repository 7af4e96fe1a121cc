namespace Backup.Core.Abstractions;

/// <summary>
/// The key needed to decrypt a backup is not configured, or the configured key with that id is
/// the wrong one. <see cref="KeyId"/> names the key that is needed (never key material).
/// </summary>
public class EncryptionKeyException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public EncryptionKeyException() { }

    /// <summary>Creates the exception with a message.</summary>
    public EncryptionKeyException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EncryptionKeyException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception naming the key id that is needed.</summary>
    public EncryptionKeyException(string message, string keyId) : base(message) => KeyId = keyId;

    /// <summary>Creates the exception naming the key id that is needed, with its cause.</summary>
    public EncryptionKeyException(string message, string keyId, Exception? innerException) : base(message, innerException) => KeyId = keyId;

    /// <summary>The id of the key the backup was encrypted with.</summary>
    public string? KeyId { get; }
}
