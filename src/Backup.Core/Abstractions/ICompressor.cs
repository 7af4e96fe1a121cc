namespace Backup.Core.Abstractions;

/// <summary>A streaming compression codec: none, gzip, brotli or zstd.</summary>
public interface ICompressor
{
    /// <summary>The codec's name as written in manifests: <c>none</c>, <c>gzip</c>, <c>brotli</c> or <c>zstd</c>.</summary>
    string Name { get; }

    /// <summary>The level it compresses at (codec-specific scale).</summary>
    int Level { get; }

    /// <summary>The suffix added to object keys, e.g. <c>.zst</c>; empty for no compression.</summary>
    string FileExtension { get; }

    /// <summary>
    /// Returns a write-only stream that compresses into <paramref name="destination"/>.
    /// Disposing it writes the end of the compressed stream; <paramref name="destination"/> stays open.
    /// </summary>
    Stream CreateCompressionStream(Stream destination);

    /// <summary>
    /// Returns a read-only stream of the bytes decompressed from <paramref name="source"/>.
    /// Disposing it leaves <paramref name="source"/> open.
    /// </summary>
    Stream CreateDecompressionStream(Stream source);
}
