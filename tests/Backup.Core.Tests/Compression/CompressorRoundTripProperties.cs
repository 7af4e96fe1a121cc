using Backup.Core.Abstractions;
using Backup.Core.Compression;
using Backup.Core.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Compression;

public class CompressorRoundTripProperties
{
    public static IEnumerable<object[]> Codecs() =>
    [
        ["none", 0], ["gzip", 0], ["gzip", 1], ["gzip", 6], ["gzip", 9],
        ["brotli", 0], ["brotli", 1], ["brotli", 4], ["brotli", 9],
        ["zstd", -7], ["zstd", 1], ["zstd", 3], ["zstd", 9], ["zstd", 19],
    ];

    [Theory]
    [MemberData(nameof(Codecs))]
    public void RoundTrip_AnyPayload_ReturnsSameBytes(string codec, int level)
    {
        // Slow levels get smaller payloads so that 100 cases stay quick; boundaries are still covered.
        var maxLarge = level >= 9 && codec != "gzip" ? 300_000 : 3 << 20;
        var compressor = CompressorCatalog.Create(codec, level);
        Prop.ForAll(SamplePayloads.Payloads(maxLarge), payload => RoundTrip(compressor, payload).AsSpan().SequenceEqual(payload))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Property(MaxTest = 100)]
    public Property ZstdWithWorkers_AnyPayload_RoundTripsAndIsPlainZstd()
    {
        using var compressor = new ZstdCompressor(level: 3, workers: 2);
        return Prop.ForAll(SamplePayloads.Payloads(), payload =>
        {
            var compressed = Compress(compressor, payload);
            using var back = CompressorCatalog.CreateDecompressionStream("zstd", new MemoryStream(compressed));
            var output = new MemoryStream();
            back.CopyTo(output);
            return output.ToArray().AsSpan().SequenceEqual(payload);
        });
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Compress_DisposingCodecStream_LeavesDestinationOpen(string codec, int level)
    {
        var compressor = CompressorCatalog.Create(codec, level);
        var destination = new MemoryStream();
        using (var stream = compressor.CreateCompressionStream(destination))
        {
            stream.Write("hello"u8);
        }
        Assert.True(destination.CanWrite);
    }

    [Fact]
    public void Create_UnknownCodec_NamesTheKnownOnes()
    {
        var error = Assert.Throws<BackupConfigurationException>(() => CompressorCatalog.Create("lzma"));
        Assert.Contains("zstd", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zstd", 23)]
    [InlineData("gzip", 10)]
    [InlineData("brotli", 12)]
    public void Create_LevelOutOfRange_IsAConfigurationError(string codec, int level)
    {
        var error = Assert.Throws<BackupConfigurationException>(() => CompressorCatalog.Create(codec, level));
        Assert.Contains(codec, error.Message, StringComparison.Ordinal);
    }

    internal static byte[] Compress(ICompressor compressor, byte[] payload)
    {
        var compressed = new MemoryStream();
        using (var stream = compressor.CreateCompressionStream(compressed))
        {
            // Uneven writes exercise the codecs' internal buffering.
            var offset = 0;
            var step = 1;
            while (offset < payload.Length)
            {
                var count = Math.Min(step, payload.Length - offset);
                stream.Write(payload, offset, count);
                offset += count;
                step = step * 7 % 100_003 + 1;
            }
        }
        return compressed.ToArray();
    }

    private static byte[] RoundTrip(ICompressor compressor, byte[] payload)
    {
        var compressed = Compress(compressor, payload);
        using var back = compressor.CreateDecompressionStream(new MemoryStream(compressed));
        var output = new MemoryStream();
        back.CopyTo(output);
        return output.ToArray();
    }
}
