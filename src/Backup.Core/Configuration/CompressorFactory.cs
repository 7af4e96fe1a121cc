using Backup.Core.Abstractions;
using Backup.Core.Compression;

namespace Backup.Core.Configuration;

/// <summary>Builds the configured <see cref="ICompressor"/>.</summary>
internal static class CompressorFactory
{
    // zstd's worker threads keep compression off the producer's thread; more than four rarely help a dump.
    public static int DefaultWorkers => Environment.ProcessorCount > 1 ? Math.Min(Environment.ProcessorCount, 4) : 0;

    public static ICompressor Create(BackupCompressionOptions options)
    {
        if (options.Algorithm == ZstdCompressor.AlgorithmName)
        {
            try
            {
                return new ZstdCompressor(options.Level ?? 3, options.Workers ?? DefaultWorkers);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new BackupConfigurationException("Backup:Compression", $"zstd level must be {ZstdCompressor.MinLevel}..{ZstdCompressor.MaxLevel} and workers 0..64 ({ex.ParamName} = {ex.ActualValue}).");
            }
        }
        return CompressorCatalog.Create(options.Algorithm, options.Level);
    }
}
