using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.Core.Pipeline;

namespace Backup.Core.Runs;

/// <summary>One backup run as its producer sees it: its id and start, its data's write, and what to do when it ends.</summary>
internal sealed class BackupRunContext
{
    private readonly BackupPipeline _pipeline;
    private readonly long? _maxStoredBytes;
    private readonly List<Func<bool, Task>> _onEnd = [];

    internal BackupRunContext(BackupRun run, string id, DateTimeOffset startedAt, BackupPipeline pipeline, long? maxStoredBytes, IProgress<BackupProgress>? progress = null)
    {
        Run = run;
        Progress = progress;
        Id = id;
        StartedAt = startedAt;
        _pipeline = pipeline;
        _maxStoredBytes = maxStoredBytes;
    }

    /// <summary>What is backed up.</summary>
    public BackupRun Run { get; }

    /// <summary>Where the producer reports progress: the caller's, and the log's progress lines.</summary>
    public IProgress<BackupProgress>? Progress { get; }

    /// <summary>The backup's id.</summary>
    public string Id { get; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The manifest of this backup as completed, to be filled in by the producer (the recorder stamps its end time).</summary>
    public BackupManifest Completed => new()
    {
        Id = Id,
        Type = Run.Type,
        Status = BackupStatus.Completed,
        LibraryVersion = ProductVersion.Value,
        StartedAt = StartedAt,
        Comment = Run.Comment,
        ScheduleId = Run.ScheduleId,
    };

    internal IReadOnlyList<Func<bool, Task>> EndActions => _onEnd;

    /// <summary>
    /// Runs <paramref name="action"/> when the run ends, told whether its manifest was stored:
    /// after the manifest (or the failure record), before the run leaves the running set; in the
    /// order registered, each also when an earlier one fails.
    /// </summary>
    public void OnEnd(Func<bool, Task> action) => _onEnd.Add(action);

    /// <summary>Writes the backup's data object through the pipeline, counting bytes for <paramref name="progress"/> under <paramref name="phase"/>.</summary>
    public Task<StoredContent> WriteContentAsync(
        string phase, IProgress<BackupProgress>? progress, bool compress, bool? encrypt, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        WriteAsync(BackupCatalog.DataKey(Run.Type, Id), phase, progress, compress, encrypt, write, cancellationToken);

    /// <summary>
    /// Writes part number <paramref name="index"/> of a full backup taken in parts, as <see cref="WriteContentAsync"/>
    /// writes the data object, but compressed on its own thread: the parts are written several at once.
    /// </summary>
    public Task<StoredContent> WritePartAsync(
        int index, string phase, IProgress<BackupProgress>? progress, bool compress, bool? encrypt, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        WriteAsync(BackupCatalog.PartKey(Id, index), phase, progress, compress, encrypt, write, cancellationToken, singleThreaded: true);

    /// <summary>
    /// Throws <see cref="BackupSizeLimitExceededException"/> when the objects together are bigger than
    /// the size limit (MAX_BACKUP_SIZE_MB), which each write checks for its own object only.
    /// </summary>
    public void CheckTotalSize(IEnumerable<StoredContent> objects)
    {
        var total = objects.Sum(o => o.StoredBytes);
        if (_maxStoredBytes is { } max && total > max)
        {
            throw new BackupSizeLimitExceededException(max, total);
        }
    }

    /// <summary>Deletes an object this run stored, for a run that ends without its manifest.</summary>
    public Task DeleteStoredAsync(StoredContent content) => _pipeline.Storage.DeleteAsync(content.Key, CancellationToken.None);

    private Task<StoredContent> WriteAsync(
        string key, string phase, IProgress<BackupProgress>? progress, bool compress, bool? encrypt, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken,
        bool singleThreaded = false) =>
        _pipeline.WriteAsync(
            key,
            async (stream, ct) =>
            {
                var counted = new ProgressStream(stream, phase, progress);
                await write(counted, ct).ConfigureAwait(false);
                counted.ReportDone();
            },
            new PipelineWriteOptions { Compress = compress, Encrypt = encrypt, MaxStoredBytes = _maxStoredBytes, SingleThreadedCompression = singleThreaded },
            cancellationToken);
}
