using System.Security.Cryptography;
using Backup.Core.Encryption;

namespace Backup.Core.Catalog;

/// <summary>
/// Keys for one use on manifests (sealing details, authenticating the whole manifest), derived
/// with HKDF-SHA256 from a master key — for a passphrase, from its PBKDF2 stretch under a salt
/// kept in the manifest — with an info label per use, so no two uses, and no key wrapping data
/// keys, ever share a key.
/// </summary>
internal sealed class ManifestSubkeys(MasterKeyRing keys, byte[] label)
{
    // Listing reads every manifest: a passphrase is stretched once per (key, salt), not once per
    // manifest; the salts come from the store, so only a bounded number are kept.
    private readonly BoundedKeyCache _derived = new(BoundedKeyCache.DefaultCapacity);
    private readonly byte[] _passphraseSalt = RandomNumberGenerator.GetBytes(ContainerHeader.SaltSize);

    /// <summary>The master key new manifests are sealed or authenticated with.</summary>
    public MasterKey Active => keys.Active;

    /// <summary>The PBKDF2 salt and iterations to record for the active key: null for a raw key.</summary>
    public (byte[]? Salt, int? Iterations) ActiveParameters() =>
        keys.Active.IsPassphrase ? (_passphraseSalt, MasterKey.PassphraseIterations) : (null, null);

    /// <summary>The subkey of <paramref name="master"/> for this use.</summary>
    public byte[] KeyFor(MasterKey master, byte[]? salt, int? iterations)
    {
        var cacheKey = salt is null ? master.Id : $"{master.Id}:{Convert.ToHexString(salt)}:{iterations}";
        return _derived.GetOrAdd(cacheKey, () =>
        {
            var stretched = master.KeyFor(salt ?? [], iterations ?? 0);
            var derived = new byte[MasterKey.KeySize];
            HKDF.DeriveKey(HashAlgorithmName.SHA256, stretched, derived, salt: [], info: label);
            return derived;
        });
    }

    /// <summary>Whether a key with this id is configured.</summary>
    public bool HasKey(string keyId) => keys.TryGet(keyId, out _);

    /// <summary>
    /// The configured key a manifest names, with the reason when there is none or the parameters
    /// it gives (read from the store, so untrusted) are not ones this library writes.
    /// </summary>
    public bool TryResolve(string keyId, byte[]? salt, int? iterations, out MasterKey master, out string? whyNot)
    {
        whyNot = null;
        if ((salt is null) != (iterations is null)
            || (salt is not null && salt.Length != ContainerHeader.SaltSize)
            || (iterations is { } count && !MasterKey.IsAcceptedIterations(count)))
        {
            master = null!;
            whyNot = $"its key-derivation parameters are invalid (PBKDF2 is accepted with a {ContainerHeader.SaltSize}-byte salt and {MasterKey.MinIterations}..{MasterKey.MaxIterations} iterations)";
            return false;
        }
        if (!keys.TryGet(keyId, out master) || master.IsPassphrase != salt is not null)
        {
            whyNot = $"it names the key '{keyId}', which is not configured";
            return false;
        }
        return true;
    }
}
