using System.Security.Cryptography;
using Backup.Core.Abstractions;

namespace Backup.Core.Encryption;

/// <summary>
/// AES-256-GCM in chunked frames under a random per-backup data key, wrapped by a master key
/// (see ContainerFormat.md). Opens containers sealed by any key of its <see cref="MasterKeyRing"/>.
/// </summary>
internal sealed class AesGcmEncryptor : IEncryptor
{
    /// <summary>The algorithm name written in manifests.</summary>
    public const string AlgorithmName = "AES-256-GCM";

    /// <summary>The default plaintext bytes per frame.</summary>
    public const int DefaultChunkSize = 1 << 20;

    private readonly MasterKeyRing _keys;
    private readonly int _chunkSize;
    // One salt per encryptor: a passphrase is stretched once per process, not once per backup.
    private readonly byte[] _passphraseSalt = RandomNumberGenerator.GetBytes(ContainerHeader.SaltSize);

    /// <summary>Creates the encryptor.</summary>
    /// <param name="keys">The active key and any keys kept for reading older backups.</param>
    /// <param name="chunkSize">Plaintext bytes per frame, 4 KiB to 16 MiB.</param>
    public AesGcmEncryptor(MasterKeyRing keys, int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, ContainerHeader.MinChunkSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, ContainerHeader.MaxChunkSize);
        _keys = keys;
        _chunkSize = chunkSize;
    }

    /// <inheritdoc />
    public string Algorithm => AlgorithmName;

    /// <inheritdoc />
    public string ActiveKeyId => _keys.Active.Id;

    /// <inheritdoc />
    public string FileExtension => ".enc";

    /// <inheritdoc />
    public Stream CreateEncryptionStream(Stream destination, string objectKey = "")
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(objectKey);
        return new AesGcmEncryptionStream(destination, _keys.Active, _passphraseSalt, _chunkSize, objectKey);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenDecryptionStreamAsync(Stream source, string objectKey = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(objectKey);
        var header = await ContainerHeader.ReadAsync(source, objectKey, cancellationToken).ConfigureAwait(false);
        var dataKey = header.UnwrapDataKey(_keys);
        try
        {
            return new AesGcmDecryptionStream(source, header, dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }
}
