using System.IO.Compression;
using Backup.Core.Abstractions;

namespace Backup.Core.Compression;

/// <summary>Brotli (RFC 7932). Quality 0 (fastest) to 11 (smallest).</summary>
internal sealed class BrotliCompressor : ICompressor
{
    /// <summary>The name written in manifests.</summary>
    public const string AlgorithmName = "brotli";

    /// <summary>Creates a Brotli compressor at quality <paramref name="level"/> (0-11).</summary>
    public BrotliCompressor(int level = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 11);
        Level = level;
    }

    /// <inheritdoc />
    public string Name => AlgorithmName;

    /// <inheritdoc />
    public int Level { get; }

    /// <inheritdoc />
    public string FileExtension => ".br";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream destination) =>
        new BrotliStream(destination, new BrotliCompressionOptions { Quality = Level }, leaveOpen: true);

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream source) =>
        new BrotliStream(source, CompressionMode.Decompress, leaveOpen: true);
}
