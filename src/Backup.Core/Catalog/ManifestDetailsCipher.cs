using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Backup.Core.Encryption;

namespace Backup.Core.Catalog;

/// <summary>
/// Seals and opens manifest details. The key is derived with HKDF-SHA256 from the master key (for
/// a passphrase, from its PBKDF2 stretch under a salt kept in the sealed field) with an info label
/// of its own, so it never equals a key that wraps data keys; the manifest's id is the associated
/// data, so details cannot be moved into another backup's manifest.
/// </summary>
internal sealed class ManifestDetailsCipher(MasterKeyRing keys)
{
    private static ReadOnlySpan<byte> Label => "Backup.Core manifest details v1"u8;

    // Listing reads every manifest: a passphrase is stretched once per (key, salt), not once per manifest.
    private readonly ConcurrentDictionary<string, byte[]> _derived = new(StringComparer.Ordinal);
    private readonly byte[] _passphraseSalt = RandomNumberGenerator.GetBytes(ContainerHeader.SaltSize);

    /// <summary>The key id new details are sealed with.</summary>
    public string ActiveKeyId => keys.Active.Id;

    /// <summary>Seals <paramref name="plaintext"/> for the manifest <paramref name="manifestId"/> under the active key.</summary>
    public SealedManifestDetails Seal(string manifestId, ReadOnlySpan<byte> plaintext)
    {
        var master = keys.Active;
        var salt = master.IsPassphrase ? _passphraseSalt : null;
        var iterations = master.IsPassphrase ? MasterKey.PassphraseIterations : (int?)null;
        var nonce = RandomNumberGenerator.GetBytes(ContainerHeader.NonceSize);
        var ciphertext = new byte[plaintext.Length + ContainerHeader.TagSize];
        using (var aes = new AesGcm(DerivedKey(master, salt, iterations), ContainerHeader.TagSize))
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
        whyNot = null;
        if (sealedDetails.Algorithm != AesGcmEncryptor.AlgorithmName
            || sealedDetails.Nonce.Length != ContainerHeader.NonceSize
            || sealedDetails.Ciphertext.Length < ContainerHeader.TagSize
            || (sealedDetails.Salt is null) != (sealedDetails.Iterations is null)
            || sealedDetails.Iterations is < 1 or > ContainerHeader.MaxIterations)
        {
            whyNot = $"they are sealed in a form this Backup.Core does not read ({sealedDetails.Algorithm})";
            return null;
        }
        if (!keys.TryGet(sealedDetails.KeyId, out var master) || master.IsPassphrase != sealedDetails.Salt is not null)
        {
            whyNot = $"they are encrypted with the key '{sealedDetails.KeyId}', which is not configured";
            return null;
        }
        var length = sealedDetails.Ciphertext.Length - ContainerHeader.TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(DerivedKey(master, sealedDetails.Salt, sealedDetails.Iterations), ContainerHeader.TagSize);
            aes.Decrypt(sealedDetails.Nonce, sealedDetails.Ciphertext.AsSpan(0, length), sealedDetails.Ciphertext.AsSpan(length), plaintext, AssociatedData(manifestId));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            whyNot = $"the configured key '{sealedDetails.KeyId}' does not open them (a different key under the same id, or the manifest was altered)";
            return null;
        }
    }

    private byte[] DerivedKey(MasterKey master, byte[]? salt, int? iterations)
    {
        var cacheKey = salt is null ? master.Id : $"{master.Id}:{Convert.ToHexString(salt)}:{iterations}";
        return _derived.GetOrAdd(cacheKey, _ =>
        {
            var stretched = master.KeyFor(salt ?? [], iterations ?? 0);
            var derived = new byte[MasterKey.KeySize];
            HKDF.DeriveKey(HashAlgorithmName.SHA256, stretched, derived, salt: [], info: Label);
            return derived;
        });
    }

    private static byte[] AssociatedData(string manifestId) => [.. Label, 0, .. Encoding.UTF8.GetBytes(manifestId)];
}
