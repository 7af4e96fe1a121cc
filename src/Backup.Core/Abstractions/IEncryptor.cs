namespace Backup.Core.Abstractions;

/// <summary>
/// Authenticated encryption of backup streams. The shipped implementation is AES-256-GCM in
/// chunked frames (see <c>Encryption/ContainerFormat.md</c>).
/// </summary>
public interface IEncryptor
{
    /// <summary>The algorithm as written in manifests, e.g. <c>AES-256-GCM</c>.</summary>
    string Algorithm { get; }

    /// <summary>The id of the key new backups are encrypted with. Never key material.</summary>
    string ActiveKeyId { get; }

    /// <summary>The suffix added to object keys, e.g. <c>.enc</c>.</summary>
    string FileExtension { get; }

    /// <summary>
    /// Returns a write-only stream that encrypts into <paramref name="destination"/>. Disposing it
    /// seals the final frame; a stream that is not disposed is detectably truncated.
    /// <paramref name="destination"/> stays open.
    /// </summary>
    Stream CreateEncryptionStream(Stream destination);

    /// <summary>
    /// Reads the container header from <paramref name="source"/> and returns a read-only stream of
    /// the plaintext. Every frame is authenticated before its bytes are returned.
    /// <paramref name="source"/> stays open.
    /// </summary>
    /// <exception cref="EncryptionKeyException">No configured key opens the container; names the key id it needs.</exception>
    /// <exception cref="BackupIntegrityException">The container is corrupt, truncated or was tampered with.</exception>
    Task<Stream> OpenDecryptionStreamAsync(Stream source, CancellationToken cancellationToken = default);
}
