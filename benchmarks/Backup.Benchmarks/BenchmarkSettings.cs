using System.Globalization;

namespace Backup.Benchmarks;

/// <summary>
/// Settings read from the environment, because BenchmarkDotNet starts each benchmark in a child
/// process that inherits the environment but not the host's command line.
/// </summary>
public static class BenchmarkSettings
{
    /// <summary>Environment variable with the dataset size in MiB (default 32).</summary>
    public const string SizeVariable = "BACKUP_BENCH_MB";

    /// <summary>The default dataset size in MiB.</summary>
    public const int DefaultSizeMb = 32;

    /// <summary>The size of each dataset in bytes.</summary>
    public static int DatasetBytes
    {
        get
        {
            string? value = Environment.GetEnvironmentVariable(SizeVariable);
            int mb = string.IsNullOrEmpty(value) ? DefaultSizeMb : int.Parse(value, CultureInfo.InvariantCulture);
            return checked(mb << 20);
        }
    }

    /// <summary>
    /// Environment variable with a comma-separated subset of codec ids (e.g. <c>zstd-1,zstd-3-w2</c>)
    /// to re-run only those cases; BenchmarkDotNet's <c>--filter</c> cannot select parameter values.
    /// </summary>
    public const string CodecsVariable = "BACKUP_BENCH_CODECS";

    /// <summary>The codec cases to run: all of them unless <see cref="CodecsVariable"/> names some.</summary>
    public static IEnumerable<CodecCase> Codecs
    {
        get
        {
            string? value = Environment.GetEnvironmentVariable(CodecsVariable);
            return string.IsNullOrWhiteSpace(value)
                ? CodecCase.All
                : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(CodecCase.Parse);
        }
    }
}
