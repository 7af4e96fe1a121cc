using Backup.Core.Abstractions;
using Backup.Core.Streams;

namespace Backup.Core.Compression;

/// <summary>Stores bytes as they are.</summary>
internal sealed class NoCompressor : ICompressor
{
    /// <summary>The name written in manifests.</summary>
    public const string AlgorithmName = "none";

    /// <inheritdoc />
    public string Name => AlgorithmName;

    /// <inheritdoc />
    public int Level => 0;

    /// <inheritdoc />
    public string FileExtension => "";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream destination) => new LeaveOpenStream(destination);

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream source) => new LeaveOpenStream(source);
}
