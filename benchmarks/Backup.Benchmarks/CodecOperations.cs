using Backup.Core.Abstractions;

namespace Backup.Benchmarks;

/// <summary>The compress and decompress loops shared by the benchmarks and the command-line modes.</summary>
public static class CodecOperations
{
    /// <summary>
    /// The pipeline hands codecs pg_dump output in pieces of this size; writing in chunks rather
    /// than one huge call keeps the codecs' buffering behaviour realistic.
    /// </summary>
    public const int ChunkSize = 128 << 10;

    /// <summary>Compresses <paramref name="input"/> into <paramref name="destination"/>.</summary>
    public static void Compress(ICompressor compressor, ReadOnlySpan<byte> input, Stream destination)
    {
        using var stream = compressor.CreateCompressionStream(destination);
        while (!input.IsEmpty)
        {
            int count = Math.Min(ChunkSize, input.Length);
            stream.Write(input[..count]);
            input = input[count..];
        }
    }

    /// <summary>Compresses everything <paramref name="source"/> holds into <paramref name="destination"/>.</summary>
    public static void Compress(ICompressor compressor, Stream source, Stream destination)
    {
        using var stream = compressor.CreateCompressionStream(destination);
        source.CopyTo(stream, ChunkSize);
    }

    /// <summary>Compresses <paramref name="input"/> in memory.</summary>
    public static byte[] CompressToArray(ICompressor compressor, ReadOnlySpan<byte> input)
    {
        using var output = new MemoryStream();
        Compress(compressor, input, output);
        return output.ToArray();
    }

    /// <summary>
    /// Decompresses <paramref name="compressed"/>, reading through <paramref name="buffer"/>, and
    /// returns the number of bytes produced. When <paramref name="expected"/> is given the output is
    /// compared with it, for the untimed round-trip check.
    /// </summary>
    public static long Decompress(ICompressor compressor, byte[] compressed, byte[] buffer, ReadOnlySpan<byte> expected = default)
    {
        using var source = new MemoryStream(compressed, writable: false);
        using var stream = compressor.CreateDecompressionStream(source);
        long total = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (!expected.IsEmpty && !buffer.AsSpan(0, read).SequenceEqual(expected.Slice((int)total, read)))
            {
                throw new InvalidOperationException($"{compressor.Name} {compressor.Level} did not round-trip at offset {total}.");
            }

            total += read;
        }

        return total;
    }
}
