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
    /// <paramref name="destination"/> stays open. <paramref name="objectKey"/> is the key the object
    /// will be stored under (it names the backup id); it is bound into the ciphertext, so the
    /// container opens only when read as that object — not after being copied over another
    /// backup's object. Empty binds nothing beyond the container itself.
    /// </summary>
    Stream CreateEncryptionStream(Stream destination, string objectKey = "");

    /// <summary>
    /// Reads the container header from <paramref name="source"/> and returns a read-only stream of
    /// the plaintext. Every frame is authenticated before its bytes are returned.
    /// <paramref name="source"/> stays open. <paramref name="objectKey"/> is the key it was read
    /// from, and must be the one it was written for (containers of the first format carry no binding).
    /// </summary>
    /// <exception cref="EncryptionKeyException">No configured key opens the container; names the key id it needs.</exception>
    /// <exception cref="BackupIntegrityException">The container is corrupt, truncated, was tampered with, or was written for another object key.</exception>
    Task<Stream> OpenDecryptionStreamAsync(Stream source, string objectKey = "", CancellationToken cancellationToken = default);
}
