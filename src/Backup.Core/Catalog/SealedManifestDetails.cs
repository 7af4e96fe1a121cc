namespace Backup.Core.Catalog;

/// <summary>
/// The <c>details</c> field of a manifest written with encryption on: <see cref="ManifestDetails"/>
/// as JSON, sealed with AES-256-GCM under a key derived from the master key <see cref="KeyId"/>
/// (see <see cref="ManifestDetailsCipher"/>). A self-contained field of the manifest JSON, so a
/// MAC over the canonical manifest later covers it like any other field.
/// </summary>
internal sealed record SealedManifestDetails
{
    /// <summary>Always <c>AES-256-GCM</c> for now; a reader refuses what it does not know.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The master key's id (never key material).</summary>
    public required string KeyId { get; init; }

    /// <summary>For a passphrase key: the PBKDF2 salt.</summary>
    public byte[]? Salt { get; init; }

    /// <summary>For a passphrase key: the PBKDF2 iterations.</summary>
    public int? Iterations { get; init; }

    /// <summary>The 96-bit GCM nonce, random per manifest.</summary>
    public required byte[] Nonce { get; init; }

    /// <summary>The ciphertext followed by the 128-bit tag.</summary>
    public required byte[] Ciphertext { get; init; }
}
