using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Backup.Core.Abstractions;
using Backup.Core.Streams;

namespace Backup.Core.Encryption;

/// <summary>
/// The header of an encrypted container (format in ContainerFormat.md). Everything a reader
/// needs besides the master key is here, so a backup opens with the key alone.
/// </summary>
internal sealed class ContainerHeader
{
    public static ReadOnlySpan<byte> Magic => "BKUPCENC"u8;
    /// <summary>The version written: 2 binds the object key into every frame.</summary>
    public const byte FormatVersion = 2;

    /// <summary>The first version, still read: its frames are not bound to an object key.</summary>
    public const byte UnboundFormatVersion = 1;
    public const byte AlgorithmAes256GcmChunked = 1;
    public const byte KdfNone = 0;
    public const byte KdfPbkdf2Sha256 = 1;
    public const int SaltSize = 16;
    public const int NoncePrefixSize = 4;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int WrappedKeySize = MasterKey.KeySize + TagSize;
    public const int ChecksumSize = 16;
    public const int MinChunkSize = 4096;
    public const int MaxChunkSize = 16 << 20;

    // magic, version, algorithm, kdf, iterations, salt, key id length
    private const int FixedPrefixSize = 8 + 1 + 1 + 1 + 4 + SaltSize + 1;
    private const int FixedSuffixSize = 4 + NoncePrefixSize + NonceSize + WrappedKeySize + ChecksumSize;

    public required byte Kdf { get; init; }
    public required int Iterations { get; init; }
    public required byte[] Salt { get; init; }
    public required string KeyId { get; init; }
    public required int ChunkSize { get; init; }
    public required byte[] NoncePrefix { get; init; }
    public required byte[] WrapNonce { get; init; }
    public required byte[] WrappedKey { get; init; }

    /// <summary>The format version: <see cref="FormatVersion"/> or <see cref="UnboundFormatVersion"/>.</summary>
    public byte Version { get; private init; } = FormatVersion;

    /// <summary>The serialized header, including its checksum.</summary>
    public byte[] Bytes { get; private set; } = [];

    /// <summary>
    /// Bound into every frame's associated data: SHA-256 of <see cref="Bytes"/> and, from version 2,
    /// of the object key the container is stored under, so it opens only under that key.
    /// </summary>
    public byte[] Hash { get; private set; } = [];

    /// <summary>Builds a header that seals a fresh data key under <paramref name="masterKey"/>, for the object stored under <paramref name="objectKey"/>.</summary>
    public static ContainerHeader Create(MasterKey masterKey, byte[] passphraseSalt, int chunkSize, ReadOnlySpan<byte> dataKey, string objectKey)
    {
        var header = new ContainerHeader
        {
            Kdf = masterKey.IsPassphrase ? KdfPbkdf2Sha256 : KdfNone,
            Iterations = masterKey.IsPassphrase ? MasterKey.PassphraseIterations : 0,
            Salt = masterKey.IsPassphrase ? passphraseSalt : new byte[SaltSize],
            KeyId = masterKey.Id,
            ChunkSize = chunkSize,
            NoncePrefix = RandomNumberGenerator.GetBytes(NoncePrefixSize),
            WrapNonce = RandomNumberGenerator.GetBytes(NonceSize),
            WrappedKey = new byte[WrappedKeySize],
        };
        var bytes = header.Serialize();
        var wrapAad = bytes.AsSpan(0, header.WrappedKeyOffset);
        using (var aes = new AesGcm(masterKey.KeyFor(header.Salt, header.Iterations), TagSize))
        {
            aes.Encrypt(header.WrapNonce, dataKey, header.WrappedKey.AsSpan(0, MasterKey.KeySize), header.WrappedKey.AsSpan(MasterKey.KeySize), wrapAad);
        }
        header.Seal(header.Serialize(), objectKey);
        return header;
    }

    /// <summary>
    /// Reads and checks the header of the container stored under <paramref name="objectKey"/>;
    /// throws <see cref="BackupIntegrityException"/> on anything malformed.
    /// </summary>
    public static async Task<ContainerHeader> ReadAsync(Stream source, string objectKey, CancellationToken cancellationToken)
    {
        var prefix = new byte[FixedPrefixSize];
        if (await StreamReading.ReadFullyAsync(source, prefix, cancellationToken).ConfigureAwait(false) < prefix.Length)
        {
            throw Corrupt("it ends inside the container header (truncated or empty)");
        }
        if (!prefix.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Corrupt("it does not start with the Backup.Core encryption magic (not an encrypted backup, or its first bytes are damaged)");
        }
        var keyIdLength = prefix[^1];
        var rest = new byte[keyIdLength + FixedSuffixSize];
        if (await StreamReading.ReadFullyAsync(source, rest, cancellationToken).ConfigureAwait(false) < rest.Length)
        {
            throw Corrupt("it ends inside the container header (truncated)");
        }
        var bytes = new byte[prefix.Length + rest.Length];
        prefix.CopyTo(bytes, 0);
        rest.CopyTo(bytes, prefix.Length);

        // The checksum comes first so that a damaged header is reported as damage, not as a wrong key id or version.
        var checksum = SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumSize))[..ChecksumSize];
        if (!CryptographicOperations.FixedTimeEquals(checksum, bytes.AsSpan(bytes.Length - ChecksumSize)))
        {
            throw Corrupt("its header checksum does not match (the header is damaged)");
        }
        if (bytes[8] is not (FormatVersion or UnboundFormatVersion))
        {
            throw Corrupt($"its format version is {bytes[8]}, and this Backup.Core reads versions {UnboundFormatVersion} and {FormatVersion} (written by a newer version?)");
        }
        if (bytes[9] != AlgorithmAes256GcmChunked)
        {
            throw Corrupt($"its algorithm id is {bytes[9]}, which this version does not know");
        }
        var span = bytes.AsSpan();
        var kdf = span[10];
        var iterations = BinaryPrimitives.ReadInt32BigEndian(span[11..]);
        // Checked before any key is derived: a planted header must not buy hours of PBKDF2.
        if (kdf > KdfPbkdf2Sha256 || (kdf == KdfPbkdf2Sha256 && !MasterKey.IsAcceptedIterations(iterations)) || (kdf == KdfNone && iterations != 0))
        {
            throw Corrupt($"its key-derivation parameters are invalid (kdf {kdf}, {iterations} iterations; PBKDF2 is accepted with {MasterKey.MinIterations}..{MasterKey.MaxIterations} iterations)");
        }
        var offset = FixedPrefixSize;
        string keyId;
        try
        {
            keyId = MasterKey.ValidateId(new UTF8Encoding(false, true).GetString(span.Slice(offset, keyIdLength)));
        }
        catch (Exception ex) when (ex is ArgumentException or DecoderFallbackException)
        {
            throw Corrupt("its key id is malformed");
        }
        offset += keyIdLength;
        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(span[offset..]);
        if (chunkSize is < MinChunkSize or > MaxChunkSize)
        {
            throw Corrupt($"its chunk size {chunkSize} is outside {MinChunkSize}..{MaxChunkSize}");
        }
        offset += 4;
        var header = new ContainerHeader
        {
            Kdf = kdf,
            Iterations = iterations,
            Salt = span.Slice(15, SaltSize).ToArray(),
            KeyId = keyId,
            ChunkSize = chunkSize,
            NoncePrefix = span.Slice(offset, NoncePrefixSize).ToArray(),
            WrapNonce = span.Slice(offset + NoncePrefixSize, NonceSize).ToArray(),
            WrappedKey = span.Slice(offset + NoncePrefixSize + NonceSize, WrappedKeySize).ToArray(),
            Version = bytes[8],
        };
        header.Seal(bytes, objectKey);
        return header;
    }

    /// <summary>Unwraps the data key with the matching master key from <paramref name="keys"/>.</summary>
    public byte[] UnwrapDataKey(MasterKeyRing keys)
    {
        if (!keys.TryGet(KeyId, out var masterKey))
        {
            throw new EncryptionKeyException(
                $"This backup was encrypted with the key '{KeyId}', which is not configured (configured: {string.Join(", ", keys.KeyIds)}). Add that key (for example as a decryption-only key) to restore it.",
                KeyId);
        }
        var dataKey = new byte[MasterKey.KeySize];
        try
        {
            using var aes = new AesGcm(masterKey.KeyFor(Salt, Iterations), TagSize);
            aes.Decrypt(WrapNonce, WrappedKey.AsSpan(0, MasterKey.KeySize), WrappedKey.AsSpan(MasterKey.KeySize), dataKey, Bytes.AsSpan(0, WrappedKeyOffset));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new EncryptionKeyException(
                $"The configured key '{KeyId}' does not open this backup: it is not the key the backup was encrypted with (same id, different key material).",
                KeyId,
                ex);
        }
        return dataKey;
    }

    private int WrappedKeyOffset => FixedPrefixSize + Encoding.UTF8.GetByteCount(KeyId) + 4 + NoncePrefixSize + NonceSize;

    private byte[] Serialize()
    {
        var keyId = Encoding.UTF8.GetBytes(KeyId);
        var bytes = new byte[FixedPrefixSize + keyId.Length + FixedSuffixSize];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[8] = Version;
        span[9] = AlgorithmAes256GcmChunked;
        span[10] = Kdf;
        BinaryPrimitives.WriteInt32BigEndian(span[11..], Iterations);
        Salt.CopyTo(span[15..]);
        span[FixedPrefixSize - 1] = (byte)keyId.Length;
        var offset = FixedPrefixSize;
        keyId.CopyTo(span[offset..]);
        offset += keyId.Length;
        BinaryPrimitives.WriteInt32BigEndian(span[offset..], ChunkSize);
        offset += 4;
        NoncePrefix.CopyTo(span[offset..]);
        offset += NoncePrefixSize;
        WrapNonce.CopyTo(span[offset..]);
        offset += NonceSize;
        WrappedKey.CopyTo(span[offset..]);
        offset += WrappedKeySize;
        SHA256.HashData(span[..offset])[..ChecksumSize].CopyTo(span[offset..]);
        return bytes;
    }

    private void Seal(byte[] bytes, string objectKey)
    {
        Bytes = bytes;
        Hash = Version == UnboundFormatVersion ? SHA256.HashData(bytes) : BoundHash(bytes, objectKey);
    }

    // The key is length-prefixed so that no (header, key) pair hashes like another.
    private static byte[] BoundHash(byte[] bytes, string objectKey)
    {
        var key = Encoding.UTF8.GetBytes(objectKey);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(bytes);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, key.Length);
        hash.AppendData(length);
        hash.AppendData(key);
        return hash.GetHashAndReset();
    }

    private static BackupIntegrityException Corrupt(string why) => new($"The encrypted backup is not intact: {why}.");
}
