namespace Backup.Benchmarks;

/// <summary>
/// <c>--write-data PATH [--dataset sql-dump|mixed-binary] [--size-mb N]</c>: writes a dataset to
/// a file, so that native tools (the zstd CLI) can be timed on exactly the bytes the benchmarks use.
/// </summary>
public static class WriteDataCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(CommandLineOptions options)
    {
        string path = options.Get("--write-data");
        string dataset = options.Get("--dataset", BenchmarkData.SqlDump);
        int sizeMb = options.GetInt("--size-mb", BenchmarkSettings.DefaultSizeMb);
        byte[] data = BenchmarkData.Generate(dataset, checked(sizeMb << 20));
        File.WriteAllBytes(path, data);
        Console.WriteLine($"wrote {data.Length} bytes of {dataset} to {path}");
        return 0;
    }
}
