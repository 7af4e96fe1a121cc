using System.Globalization;

namespace Backup.Benchmarks;

/// <summary>
/// Passes compression ratios from the benchmark child processes, which compress the data in
/// their setup, to the host process, which prints the summary table. BenchmarkDotNet gives
/// them no channel for this, so a small file per case in the temp directory serves.
/// </summary>
public static class RatioStore
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "backup-benchmarks", "ratios");

    /// <summary>Records that <paramref name="inputBytes"/> compressed to <paramref name="outputBytes"/>.</summary>
    public static void Write(string dataset, string codec, long inputBytes, long outputBytes)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(PathFor(dataset, codec), string.Create(CultureInfo.InvariantCulture, $"{inputBytes} {outputBytes}"));
    }

    /// <summary>The ratio (input / output) recorded for this case, or null if its setup never ran.</summary>
    public static double? Read(string dataset, string codec)
    {
        string path = PathFor(dataset, codec);
        if (!File.Exists(path))
        {
            return null;
        }

        string[] parts = File.ReadAllText(path).Split(' ');
        long input = long.Parse(parts[0], CultureInfo.InvariantCulture);
        long output = long.Parse(parts[1], CultureInfo.InvariantCulture);
        return output == 0 ? null : (double)input / output;
    }

    // The dataset size is part of the name so that a run with another size never reads stale ratios.
    private static string PathFor(string dataset, string codec) =>
        Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{dataset}_{codec}_{BenchmarkSettings.DatasetBytes}.txt"));
}
