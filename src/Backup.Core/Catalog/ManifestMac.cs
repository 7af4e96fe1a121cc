namespace Backup.Core.Catalog;

/// <summary>
/// The <c>mac</c> field of a manifest written by a host with a key: HMAC-SHA256 over the rest of
/// the manifest (see <see cref="ManifestAuthenticator"/>). Names the key, never holds key material.
/// </summary>
internal sealed record ManifestMac
{
    /// <summary>Always <c>HMAC-SHA256</c> for now; a reader refuses what it does not know.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The master key's id.</summary>
    public required string KeyId { get; init; }

    /// <summary>For a passphrase key: the PBKDF2 salt.</summary>
    public byte[]? Salt { get; init; }

    /// <summary>For a passphrase key: the PBKDF2 iterations.</summary>
    public int? Iterations { get; init; }

    /// <summary>The 256-bit tag.</summary>
    public required byte[] Value { get; init; }

    /// <summary>
    /// 8 bytes that depend on the key alone (an HMAC of a fixed label under the subkey), so a reader
    /// can tell "another key under this id" (a configuration mistake, the common case on the day of a
    /// restore) from "this manifest was altered" — which the tag alone cannot. It reveals nothing
    /// usable: 64 bits of an HMAC output.
    /// </summary>
    public byte[]? KeyCheck { get; init; }
}
