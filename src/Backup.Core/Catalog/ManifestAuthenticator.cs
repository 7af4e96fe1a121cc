using System.Security.Cryptography;
using System.Text.Json;
using Backup.Core.Encryption;

namespace Backup.Core.Catalog;

/// <summary>
/// Authenticates whole manifests: an HMAC-SHA256, under a subkey of the master key of its own
/// (<see cref="ManifestSubkeys"/>, a label distinct from the details key and the data keys), over
/// the manifest as stored minus its <c>mac</c> field. The bytes authenticated are the manifest
/// re-serialized from what was read — exactly the values the catalog goes on to trust, so no
/// parsing trick can make it trust one thing while the tag covers another.
/// </summary>
internal sealed class ManifestAuthenticator(MasterKeyRing keys)
{
    public const string AlgorithmName = "HMAC-SHA256";

    private static ReadOnlySpan<byte> Label => "Backup.Core manifest MAC v1"u8;

    private readonly ManifestSubkeys _subkeys = new(keys, Label.ToArray());

    /// <summary><paramref name="stored"/> with a tag under the active key.</summary>
    public BackupManifest Sign(BackupManifest stored)
    {
        var (salt, iterations) = _subkeys.ActiveParameters();
        var master = _subkeys.Active;
        return stored with
        {
            Mac = new ManifestMac
            {
                Algorithm = AlgorithmName,
                KeyId = master.Id,
                Salt = salt,
                Iterations = iterations,
                Value = HMACSHA256.HashData(_subkeys.KeyFor(master, salt, iterations), CanonicalBytes(stored)),
                KeyCheck = KeyCheckOf(_subkeys.KeyFor(master, salt, iterations)),
            },
        };
    }

    /// <summary>Whether <paramref name="stored"/> carries a valid tag under a configured key; the reason when not.</summary>
    public bool Verify(BackupManifest stored, out string? whyNot) => Verify(stored, out whyNot, out _);

    /// <summary>
    /// Whether <paramref name="stored"/> carries a valid tag under a configured key; the reason when
    /// not, and whether the reason is the key (not configured, or another key under its id) rather
    /// than the manifest.
    /// </summary>
    public bool Verify(BackupManifest stored, out string? whyNot, out bool keyProblem)
    {
        keyProblem = false;
        if (stored.Mac is not { } mac)
        {
            whyNot = "it carries no authentication tag (written before Backup.Core authenticated manifests, by a host without the key, or planted in the store)";
            return false;
        }
        if (mac.Algorithm != AlgorithmName || mac.Value.Length != HMACSHA256.HashSizeInBytes)
        {
            whyNot = $"its authentication tag is in a form this Backup.Core does not read ({mac.Algorithm})";
            return false;
        }
        if (!_subkeys.TryResolve(mac.KeyId, mac.Salt, mac.Iterations, out var master, out var unresolved))
        {
            whyNot = $"its authentication tag cannot be checked: {unresolved}";
            keyProblem = !_subkeys.HasKey(mac.KeyId);
            return false;
        }
        var subkey = _subkeys.KeyFor(master, mac.Salt, mac.Iterations);
        if (mac.KeyCheck is { } check && !CryptographicOperations.FixedTimeEquals(check, KeyCheckOf(subkey)))
        {
            whyNot = $"it was written under another key than the one configured as '{mac.KeyId}'";
            keyProblem = true;
            return false;
        }
        var expected = HMACSHA256.HashData(subkey, CanonicalBytes(stored));
        if (!CryptographicOperations.FixedTimeEquals(expected, mac.Value))
        {
            whyNot = $"its authentication tag does not match under the key '{mac.KeyId}' (the manifest was altered after it was written, or written under another key with that id)";
            return false;
        }
        whyNot = null;
        return true;
    }

    private static byte[] KeyCheckOf(byte[] subkey) => HMACSHA256.HashData(subkey, "Backup.Core key check"u8)[..8];

    /// <summary>What the tag covers: the stored manifest without its tag, compact JSON, after a label.</summary>
    public static byte[] CanonicalBytes(BackupManifest stored) =>
        [.. Label, 0, .. JsonSerializer.SerializeToUtf8Bytes(stored with { Mac = null }, ManifestJson.Compact)];
}
