using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Compression;

namespace Backup.Benchmarks;

/// <summary>
/// One codec configuration under test, named by a short id (<c>zstd-3-w2</c>) so that it travels
/// as a plain string parameter to BenchmarkDotNet's child processes.
/// </summary>
public sealed record CodecCase(string Codec, int Level, int Workers)
{
    /// <summary>The library's zstd (ZstdNet, native libzstd).</summary>
    public const string Zstd = "zstd";

    /// <summary>The pure-managed port, compared against ZstdNet.</summary>
    public const string ZstdSharp = "zstdsharp";

    /// <summary>Every configuration the compression benchmarks run.</summary>
    public static IReadOnlyList<CodecCase> All { get; } =
    [
        new(Zstd, 1, 0), new(Zstd, 3, 0), new(Zstd, 9, 0), new(Zstd, 19, 0),
        new(Zstd, 1, 2), new(Zstd, 3, 2),
        new(ZstdSharp, 1, 0), new(ZstdSharp, 3, 0), new(ZstdSharp, 9, 0), new(ZstdSharp, 19, 0),
        new(ZstdSharp, 3, 2),
        new(GzipCompressor.AlgorithmName, 1, 0), new(GzipCompressor.AlgorithmName, 6, 0),
        new(BrotliCompressor.AlgorithmName, 1, 0), new(BrotliCompressor.AlgorithmName, 4, 0), new(BrotliCompressor.AlgorithmName, 9, 0),
        new(NoCompressor.AlgorithmName, 0, 0),
    ];

    /// <summary>
    /// zstd 19 and brotli 9 run at a few MB/s: on the full dataset they alone would take most of
    /// the time budget, so they compress a quarter of it (see <see cref="SelectInput"/>).
    /// </summary>
    public bool IsSlow => (Codec is Zstd or ZstdSharp && Level >= 19) || (Codec == BrotliCompressor.AlgorithmName && Level >= 9);

    // Sampled in blocks spread over the whole dataset rather than as a prefix: the dump's tables
    // differ in compressibility, so a prefix (only the first table) would skew the ratio.
    private const int SampleBlockSize = 256 << 10;
    private const int SampleEvery = 4;

    /// <summary>The short id used as the benchmark parameter.</summary>
    public string Id => Codec == NoCompressor.AlgorithmName
        ? Codec
        : string.Create(CultureInfo.InvariantCulture, $"{Codec}-{Level}{(Workers > 0 ? $"-w{Workers}" : "")}");

    /// <summary>How many bytes of a dataset of <paramref name="datasetBytes"/> this case compresses.</summary>
    public int InputBytes(int datasetBytes)
    {
        if (!IsSlow)
        {
            return datasetBytes;
        }

        int total = 0;
        for (int offset = 0; offset < datasetBytes; offset += SampleBlockSize * SampleEvery)
        {
            total += Math.Min(SampleBlockSize, datasetBytes - offset);
        }

        return total;
    }

    /// <summary>
    /// The bytes this case compresses: the whole dataset, or for slow cases every fourth
    /// 256 KiB block of it.
    /// </summary>
    public byte[] SelectInput(byte[] dataset)
    {
        if (!IsSlow)
        {
            return dataset;
        }

        var input = new byte[InputBytes(dataset.Length)];
        int written = 0;
        for (int offset = 0; offset < dataset.Length; offset += SampleBlockSize * SampleEvery)
        {
            int count = Math.Min(SampleBlockSize, dataset.Length - offset);
            dataset.AsSpan(offset, count).CopyTo(input.AsSpan(written));
            written += count;
        }

        return input;
    }

    /// <summary>Finds the case with id <paramref name="id"/>.</summary>
    public static CodecCase Parse(string id) =>
        All.FirstOrDefault(c => c.Id == id) ?? throw new ArgumentException($"Unknown codec case '{id}'.", nameof(id));

    /// <summary>Creates the compressor this case measures.</summary>
    public ICompressor CreateCompressor() => Codec switch
    {
        Zstd => new ZstdCompressor(Level, Workers),
        ZstdSharp => new ZstdSharpCompressor(Level, Workers),
        _ => CompressorCatalog.Create(Codec, Level),
    };

    /// <inheritdoc />
    public override string ToString() => Id;
}
