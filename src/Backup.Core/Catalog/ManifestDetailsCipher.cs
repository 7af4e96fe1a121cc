using System.Security.Cryptography;
using System.Text;
using Backup.Core.Encryption;

namespace Backup.Core.Catalog;

/// <summary>
/// Seals and opens manifest details under a subkey of the master key of their own
/// (<see cref="ManifestSubkeys"/>); the manifest's id is the associated data, so details cannot be
/// moved into another backup's manifest.
/// </summary>
internal sealed class ManifestDetailsCipher(MasterKeyRing keys)
{
    private static ReadOnlySpan<byte> Label => "Backup.Core manifest details v1"u8;

    private readonly ManifestSubkeys _subkeys = new(keys, Label.ToArray());

    /// <summary>The key id new details are sealed with.</summary>
    public string ActiveKeyId => _subkeys.Active.Id;

    /// <summary>Seals <paramref name="plaintext"/> for the manifest <paramref name="manifestId"/> under the active key.</summary>
    public SealedManifestDetails Seal(string manifestId, ReadOnlySpan<byte> plaintext)
    {
        var master = _subkeys.Active;
        var (salt, iterations) = _subkeys.ActiveParameters();
        var nonce = RandomNumberGenerator.GetBytes(ContainerHeader.NonceSize);
        var ciphertext = new byte[plaintext.Length + ContainerHeader.TagSize];
        using (var aes = new AesGcm(_subkeys.KeyFor(master, salt, iterations), ContainerHeader.TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext.AsSpan(0, plaintext.Length), ciphertext.AsSpan(plaintext.Length), AssociatedData(manifestId));
        }
        return new SealedManifestDetails
        {
            Algorithm = AesGcmEncryptor.AlgorithmName,
            KeyId = master.Id,
            Salt = salt,
            Iterations = iterations,
            Nonce = nonce,
            Ciphertext = ciphertext,
        };
    }

    /// <summary>The plaintext, or null with the reason when no configured key opens the details.</summary>
    public byte[]? TryOpen(string manifestId, SealedManifestDetails sealedDetails, out string? whyNot)
    {
        if (sealedDetails.Algorithm != AesGcmEncryptor.AlgorithmName
            || sealedDetails.Nonce.Length != ContainerHeader.NonceSize
            || sealedDetails.Ciphertext.Length < ContainerHeader.TagSize)
        {
            whyNot = $"they are sealed in a form this Backup.Core does not read ({sealedDetails.Algorithm})";
            return null;
        }
        if (!_subkeys.TryResolve(sealedDetails.KeyId, sealedDetails.Salt, sealedDetails.Iterations, out var master, out var unresolved))
        {
            whyNot = $"they cannot be opened: {unresolved}";
            return null;
        }
        var length = sealedDetails.Ciphertext.Length - ContainerHeader.TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(_subkeys.KeyFor(master, sealedDetails.Salt, sealedDetails.Iterations), ContainerHeader.TagSize);
            aes.Decrypt(sealedDetails.Nonce, sealedDetails.Ciphertext.AsSpan(0, length), sealedDetails.Ciphertext.AsSpan(length), plaintext, AssociatedData(manifestId));
            whyNot = null;
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            whyNot = $"the configured key '{sealedDetails.KeyId}' does not open them (a different key under the same id, or the manifest was altered)";
            return null;
        }
    }

    private static byte[] AssociatedData(string manifestId) => [.. Label, 0, .. Encoding.UTF8.GetBytes(manifestId)];
}
