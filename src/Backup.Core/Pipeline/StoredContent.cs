namespace Backup.Core.Pipeline;

/// <summary>
/// Everything needed to read a stored object back and to prove it intact: how it was
/// transformed and the SHA-256 of its bytes before and after. Recorded in the manifest.
/// </summary>
public sealed record StoredContent
{
    /// <summary>The object's key in storage, extensions included (e.g. <c>database/x.dump.zst.enc</c>).</summary>
    public required string Key { get; init; }

    /// <summary>The codec name (<c>none</c>, <c>gzip</c>, <c>brotli</c>, <c>zstd</c>).</summary>
    public required string Compression { get; init; }

    /// <summary>The level it was compressed at.</summary>
    public int CompressionLevel { get; init; }

    /// <summary>The encryption algorithm, or null when stored in the clear.</summary>
    public string? EncryptionAlgorithm { get; init; }

    /// <summary>The id of the master key that sealed it (never key material).</summary>
    public string? EncryptionKeyId { get; init; }

    /// <summary>Bytes produced by the engine (before compression).</summary>
    public required long RawBytes { get; init; }

    /// <summary>Bytes in storage.</summary>
    public required long StoredBytes { get; init; }

    /// <summary>SHA-256 of the engine's bytes, lowercase hex.</summary>
    public required string PlainSha256 { get; init; }

    /// <summary>SHA-256 of the stored bytes, lowercase hex.</summary>
    public required string StoredSha256 { get; init; }

    /// <summary>Whether the object is encrypted.</summary>
    public bool IsEncrypted => EncryptionAlgorithm is not null;
}
