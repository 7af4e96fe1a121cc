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
}
