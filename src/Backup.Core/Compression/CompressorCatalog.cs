using Backup.Core.Abstractions;

namespace Backup.Core.Compression;

/// <summary>
/// Finds the codec named in a manifest, so that a backup is readable whatever compressor the
/// host is configured with today.
/// </summary>
internal static class CompressorCatalog
{
    /// <summary>Names of every codec this version reads and writes.</summary>
    public static IReadOnlyList<string> Names { get; } = [NoCompressor.AlgorithmName, GzipCompressor.AlgorithmName, BrotliCompressor.AlgorithmName, ZstdCompressor.AlgorithmName];

    /// <summary>Opens a decompressing stream over <paramref name="source"/> for the codec named in a manifest; leaves the source open.</summary>
    /// <exception cref="BackupIntegrityException">The manifest names a codec this version does not know.</exception>
    public static Stream CreateDecompressionStream(string name, Stream source) => name switch
    {
        NoCompressor.AlgorithmName => new NoCompressor().CreateDecompressionStream(source),
        GzipCompressor.AlgorithmName => new GzipCompressor().CreateDecompressionStream(source),
        BrotliCompressor.AlgorithmName => new BrotliCompressor().CreateDecompressionStream(source),
        ZstdCompressor.AlgorithmName => ZstdCompressor.OpenDecompression(source),
        _ => throw new BackupIntegrityException($"The backup names the compression '{name}', which this version does not know (known: {string.Join(", ", Names)})."),
    };

    /// <summary>Creates the codec named <paramref name="name"/> at <paramref name="level"/> (its default when null).</summary>
    /// <exception cref="BackupConfigurationException">No codec has that name, or the level is out of its range.</exception>
    public static ICompressor Create(string name, int? level = null)
    {
        try
        {
            return name switch
            {
                NoCompressor.AlgorithmName => new NoCompressor(),
                GzipCompressor.AlgorithmName => level is { } g ? new GzipCompressor(g) : new GzipCompressor(),
                BrotliCompressor.AlgorithmName => level is { } b ? new BrotliCompressor(b) : new BrotliCompressor(),
                ZstdCompressor.AlgorithmName => level is { } z ? new ZstdCompressor(z) : new ZstdCompressor(),
                _ => throw new BackupConfigurationException("Compression", $"Unknown compression '{name}'; known: {string.Join(", ", Names)}."),
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new BackupConfigurationException("Compression", $"Compression level {level} is out of range for {name}: {ex.Message}");
        }
    }
}
