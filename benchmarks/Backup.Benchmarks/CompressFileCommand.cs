using System.Diagnostics;
using System.Globalization;
using Backup.Core.Abstractions;

namespace Backup.Benchmarks;

/// <summary>
/// <c>--compress-file PATH --codec zstd|zstdsharp --level N --workers W [--runs R]</c>: compresses
/// a file to /dev/null the way the zstd CLI does (read the file, write the output), so that the two
/// can be compared on equal terms. One untimed warm-up run absorbs JIT compilation; the median of
/// the timed runs is printed as <c>key=value</c> pairs for scripts.
/// </summary>
public static class CompressFileCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(CommandLineOptions options)
    {
        string path = options.Get("--compress-file");
        var codec = new CodecCase(options.Get("--codec", CodecCase.Zstd), options.GetInt("--level", 3), options.GetInt("--workers", 0));
        int runs = options.GetInt("--runs", 3);
        long inputBytes = new FileInfo(path).Length;
        var compressor = codec.CreateCompressor();
        try
        {
            long outputBytes = CompressOnce(compressor, path);
            var seconds = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                CompressOnce(compressor, path);
                seconds.Add(stopwatch.Elapsed.TotalSeconds);
            }

            seconds.Sort();
            double median = seconds[seconds.Count / 2];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"codec={codec.Codec} level={codec.Level} workers={codec.Workers} input_bytes={inputBytes} output_bytes={outputBytes} seconds={median:F3} mbps={inputBytes / median / 1e6:F1}"));
            return 0;
        }
        finally
        {
            (compressor as IDisposable)?.Dispose();
        }
    }

    // Returns the compressed size, counted on the way to /dev/null.
    private static long CompressOnce(ICompressor compressor, string path)
    {
        using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CodecOperations.ChunkSize);
        using var devNull = new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        using var counter = new CountingStream(devNull);
        CodecOperations.Compress(compressor, source, counter);
        return counter.BytesWritten;
    }
}
