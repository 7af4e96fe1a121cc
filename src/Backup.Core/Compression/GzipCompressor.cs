using System.IO.Compression;
using Backup.Core.Abstractions;

namespace Backup.Core.Compression;

/// <summary>gzip (RFC 1952) through .NET's zlib-ng. Levels 0 (store) to 9 (smallest).</summary>
internal sealed class GzipCompressor : ICompressor
{
    /// <summary>The name written in manifests.</summary>
    public const string AlgorithmName = "gzip";

    /// <summary>Creates a gzip compressor at <paramref name="level"/> (0-9; 1 is fastest, 6 is gzip's default).</summary>
    public GzipCompressor(int level = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        Level = level;
    }

    /// <inheritdoc />
    public string Name => AlgorithmName;

    /// <inheritdoc />
    public int Level { get; }

    /// <inheritdoc />
    public string FileExtension => ".gz";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream destination) =>
        new GZipStream(destination, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true);

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream source) =>
        new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
}
