using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Backup.Core.Encryption;

/// <summary>
/// Seals and opens the frames of one container. Each frame's nonce is the header's prefix and
/// the frame index; its associated data binds the header hash, the index and the final flag, so
/// frames cannot be reordered, dropped, spliced between containers or appended after the end.
/// </summary>
internal sealed class FrameCipher : IDisposable
{
    private const int AadSize = 32 + 8 + 1;
    private readonly AesGcm _aes;
    private readonly byte[] _noncePrefix;
    private readonly byte[] _headerHash;

    public FrameCipher(ReadOnlySpan<byte> dataKey, ContainerHeader header)
    {
        _aes = new AesGcm(dataKey, ContainerHeader.TagSize);
        _noncePrefix = header.NoncePrefix;
        _headerHash = header.Hash;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="frame"/> (ciphertext then tag).</summary>
    public void Seal(long index, bool final, ReadOnlySpan<byte> plaintext, Span<byte> frame)
    {
        Span<byte> nonce = stackalloc byte[ContainerHeader.NonceSize];
        Span<byte> aad = stackalloc byte[AadSize];
        Prepare(index, final, nonce, aad);
        _aes.Encrypt(nonce, plaintext, frame[..plaintext.Length], frame.Slice(plaintext.Length, ContainerHeader.TagSize), aad);
    }

    /// <summary>Authenticates and decrypts <paramref name="frame"/> into <paramref name="plaintext"/>; false when the tag does not match.</summary>
    public bool TryOpen(long index, bool final, ReadOnlySpan<byte> frame, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[ContainerHeader.NonceSize];
        Span<byte> aad = stackalloc byte[AadSize];
        Prepare(index, final, nonce, aad);
        var cipherLength = frame.Length - ContainerHeader.TagSize;
        try
        {
            _aes.Decrypt(nonce, frame[..cipherLength], frame[cipherLength..], plaintext[..cipherLength], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // Decrypt has already zeroed the output; the caller turns this into an integrity error.
            return false;
        }
    }

    public void Dispose() => _aes.Dispose();

    private void Prepare(long index, bool final, Span<byte> nonce, Span<byte> aad)
    {
        _noncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteInt64BigEndian(nonce[ContainerHeader.NoncePrefixSize..], index);
        _headerHash.CopyTo(aad);
        BinaryPrimitives.WriteInt64BigEndian(aad[32..], index);
        aad[40] = final ? (byte)1 : (byte)0;
    }
}
