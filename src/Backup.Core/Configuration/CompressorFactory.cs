using Backup.Core.Abstractions;
using Backup.Core.Compression;

namespace Backup.Core.Configuration;

/// <summary>Builds the configured <see cref="ICompressor"/>.</summary>
internal static class CompressorFactory
{
    // Level 1 with 2 workers compresses hard dump data at ~400 MB/s here (level 3: ~200 MB/s, about
    // pg_dump's own speed) for output ~3% larger: zstd must never be the slow stage. On one core,
    // workers would only add thread switching. Measurements: benchmarks/README.md.
    public const int DefaultLevel = 1;

    public static int DefaultWorkers => Environment.ProcessorCount >= 2 ? 2 : 0;

    public static ICompressor Create(BackupCompressionOptions options)
    {
        if (options.Algorithm == ZstdCompressor.AlgorithmName)
        {
            try
            {
                return new ZstdCompressor(options.Level ?? DefaultLevel, options.Workers ?? DefaultWorkers);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new BackupConfigurationException("Backup:Compression", $"zstd level must be {ZstdCompressor.MinLevel}..{ZstdCompressor.MaxLevel} and workers 0..64 ({ex.ParamName} = {ex.ActualValue}).");
            }
        }
        return CompressorCatalog.Create(options.Algorithm, options.Level);
    }
}
