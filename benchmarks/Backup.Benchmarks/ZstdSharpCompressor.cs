using Backup.Core.Abstractions;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Backup.Benchmarks;

/// <summary>
/// ZstdSharp.Port (pure managed zstd) behind the library's <see cref="ICompressor"/>, so that it
/// is measured through exactly the same code path as the shipped ZstdNet-based compressor.
/// </summary>
public sealed class ZstdSharpCompressor(int level, int workers) : ICompressor
{
    // Same buffer size as Backup.Core's ZstdCompressor, so the two differ only in the engine.
    private const int StreamBufferSize = 1 << 17;

    /// <inheritdoc />
    public string Name => "zstd";

    /// <inheritdoc />
    public int Level => level;

    /// <inheritdoc />
    public string FileExtension => ".zst";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream destination)
    {
        var stream = new CompressionStream(destination, level, StreamBufferSize, leaveOpen: true);
        if (workers > 0)
        {
            stream.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, workers);
        }

        return stream;
    }

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream source) =>
        new DecompressionStream(source, StreamBufferSize, checkEndOfStream: true, leaveOpen: true);
}
