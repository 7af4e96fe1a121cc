namespace Backup.Core.Pipeline;

/// <summary>How one object is written through the pipeline.</summary>
internal sealed record PipelineWriteOptions
{
    /// <summary>Compress with the configured compressor (default true).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Encrypt with the configured key; null means "when a key is configured".</summary>
    public bool? Encrypt { get; init; }

    /// <summary>
    /// Compress on the writing thread only, without the compressor's worker threads: for objects
    /// written several at once (a backup's parts), which are parallel already, and whose workers'
    /// buffers would multiply the memory by the number of objects.
    /// </summary>
    public bool SingleThreadedCompression { get; init; }

    /// <summary>Stop and clean up when the stored object would grow past this many bytes; no limit when null.</summary>
    public long? MaxStoredBytes { get; init; }
}
