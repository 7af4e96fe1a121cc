using Backup.Core.Abstractions;
using Backup.Core.Streams;
using ZstdNet;

namespace Backup.Core.Compression;

/// <summary>
/// Zstandard through ZstdNet (libzstd, shipped in the package). Chosen over the pure-managed
/// ZstdSharp.Port because it is faster on hard-to-compress dumps and on decompression, which
/// is the restore path; see benchmarks/README.md for the measurements.
/// </summary>
internal sealed class ZstdCompressor : ICompressor, IDisposable
{
    /// <summary>The name written in manifests.</summary>
    public const string AlgorithmName = "zstd";

    /// <summary>The fastest level offered here (zstd also has negative "fast" levels).</summary>
    public const int MinLevel = -7;

    /// <summary>The smallest-output level.</summary>
    public const int MaxLevel = 22;

    private const int StreamBufferSize = 1 << 17;
    private readonly CompressionOptions _options;

    /// <summary>Creates a zstd compressor.</summary>
    /// <param name="level">-7 to 22; 3 is zstd's default, 1 is the fastest sensible choice for dumps.</param>
    /// <param name="workers">
    /// Compression threads besides the caller's; 0 compresses on the calling thread. Output is the
    /// same format either way; decompression is always single-threaded.
    /// </param>
    public ZstdCompressor(int level = 3, int workers = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, MinLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workers, 64);
        Level = level;
        Workers = workers;
        var parameters = new Dictionary<ZSTD_cParameter, int> { [ZSTD_cParameter.ZSTD_c_nbWorkers] = workers };
        _options = new CompressionOptions(null, parameters, level);
    }

    /// <inheritdoc />
    public string Name => AlgorithmName;

    /// <inheritdoc />
    public int Level { get; }

    /// <summary>Compression threads besides the caller's.</summary>
    public int Workers { get; }

    /// <summary>The same level on the calling thread only (the same format).</summary>
    public ZstdCompressor WithoutWorkers() => new(Level, 0);

    /// <inheritdoc />
    public string FileExtension => ".zst";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream destination) =>
        new CompressionStream(new LeaveOpenStream(destination), _options, StreamBufferSize);

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream source) => OpenDecompression(source);

    /// <summary>Decompression needs no level or workers, so it needs no compressor instance.</summary>
    internal static Stream OpenDecompression(Stream source) =>
        new DecompressionStream(new LeaveOpenStream(source), StreamBufferSize);

    /// <inheritdoc />
    public void Dispose() => _options.Dispose();
}
