using System.Globalization;
using Backup.Core.Abstractions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace Backup.Benchmarks;

/// <summary>
/// Compress and decompress speed, and ratio, of every codec configuration in
/// <see cref="CodecCase.All"/> on each dataset in <see cref="BenchmarkData"/>.
/// </summary>
[Config(typeof(Config))]
public class CompressionBenchmarks
{
    private ICompressor _compressor = null!;
    private byte[] _input = [];
    private byte[] _compressed = [];
    private readonly byte[] _readBuffer = new byte[CodecOperations.ChunkSize];

    /// <summary>The dataset, one of <see cref="BenchmarkData.Names"/>.</summary>
    [ParamsSource(nameof(Datasets))]
    public string Dataset { get; set; } = BenchmarkData.SqlDump;

    /// <summary>The codec configuration, a <see cref="CodecCase.Id"/>.</summary>
    [ParamsSource(nameof(Codecs))]
    public string Codec { get; set; } = "none";

    /// <summary>Values for <see cref="Dataset"/>.</summary>
    public static IEnumerable<string> Datasets => BenchmarkData.Names;

    /// <summary>Values for <see cref="Codec"/>.</summary>
    public static IEnumerable<string> Codecs => BenchmarkSettings.Codecs.Select(c => c.Id);

    /// <summary>
    /// Builds the input, compresses it once (the decompression input, and the ratio) and checks the
    /// round trip, all outside the timed region.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        var codec = CodecCase.Parse(Codec);
        _input = codec.SelectInput(BenchmarkData.Generate(Dataset, BenchmarkSettings.DatasetBytes));
        _compressor = codec.CreateCompressor();
        _compressed = CodecOperations.CompressToArray(_compressor, _input);
        long roundTripped = CodecOperations.Decompress(_compressor, _compressed, _readBuffer, _input);
        if (roundTripped != _input.Length)
        {
            throw new InvalidOperationException($"{Codec} decompressed {roundTripped} bytes, expected {_input.Length}.");
        }

        RatioStore.Write(Dataset, Codec, _input.Length, _compressed.Length);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// {Dataset} {Codec}: {_input.Length} -> {_compressed.Length} bytes, ratio {(double)_input.Length / _compressed.Length:F2}"));
    }

    /// <summary>Releases native codec state (ZstdNet's options).</summary>
    [GlobalCleanup]
    public void Cleanup() => (_compressor as IDisposable)?.Dispose();

    /// <summary>Compresses the input into a sink that only counts bytes.</summary>
    [Benchmark]
    public long Compress()
    {
        using var sink = new CountingStream(Stream.Null);
        CodecOperations.Compress(_compressor, _input, sink);
        return sink.BytesWritten;
    }

    /// <summary>Decompresses the setup's output from memory.</summary>
    [Benchmark]
    public long Decompress() => CodecOperations.Decompress(_compressor, _compressed, _readBuffer);

    /// <summary>The short job, with MB/s of uncompressed data and the compression ratio.</summary>
    private sealed class Config : ShortRunConfig
    {
        public Config()
            : base(InputBytes) => AddColumn(new CompressionRatioColumn());

        private static long InputBytes(BenchmarkCase benchmarkCase) =>
            CodecCase.Parse((string)benchmarkCase.Parameters[nameof(Codec)]).InputBytes(BenchmarkSettings.DatasetBytes);
    }
}
