using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Operations;
using Backup.Core.Pipeline;

namespace Backup.Core.Continuous;

/// <summary>
/// A change segment being written into the spool: the pipeline's write stays open, its producer
/// waiting, while the stream adds transactions, until the segment is completed or abandoned.
/// Nothing of an abandoned segment stays in the spool.
/// </summary>
internal sealed class OpenSegment
{
    private readonly TaskCompletionSource _finish;
    private readonly Task<StoredContent> _write;
    private readonly Func<long> _rawBytes;

    private OpenSegment(string id, DateTimeOffset openedAt, TaskCompletionSource finish, Task<StoredContent> write, Stream stream)
    {
        Id = id;
        OpenedAt = openedAt;
        _finish = finish;
        _write = write;
        // The pipeline owns and ends the stream; this only counts what goes through it.
        var counted = new ProgressStream(stream, "capturing", null);
        _rawBytes = () => counted.Bytes;
        Writer = new ChangeSegmentWriter(counted);
    }

    /// <summary>The segment's backup id.</summary>
    public string Id { get; }

    /// <summary>When it was opened (its backup's start).</summary>
    public DateTimeOffset OpenedAt { get; }

    /// <summary>Where its items go.</summary>
    public ChangeSegmentWriter Writer { get; }

    /// <summary>Plain bytes written through so far (the writer buffers up to 1 MiB more).</summary>
    public long RawBytes => _rawBytes();

    /// <summary>Starts the spool write of segment <paramref name="id"/>.</summary>
    public static async Task<OpenSegment> StartAsync(BackupPipeline spool, string id, DateTimeOffset now)
    {
        var ready = new TaskCompletionSource<Stream>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = spool.WriteAsync(
            BackupCatalog.DataKey(BackupType.Incremental, id),
            async (stream, ct) =>
            {
                ready.TrySetResult(stream);
                await finish.Task.WaitAsync(ct).ConfigureAwait(false);
            },
            new PipelineWriteOptions(),
            CancellationToken.None);
        if (await Task.WhenAny(ready.Task, write).ConfigureAwait(false) != ready.Task)
        {
            // The spool refused the write before it began (its folder is unwritable, say): say why.
            await write.ConfigureAwait(false);
        }
        return new OpenSegment(id, now, finish, write, await ready.Task.ConfigureAwait(false));
    }

    /// <summary>Writes the end record and waits until the spool holds the whole segment.</summary>
    public async Task<StoredContent> CompleteAsync(ulong endLsn, CancellationToken cancellationToken)
    {
        try
        {
            await Writer.CompleteAsync(endLsn, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The producer would wait for ever, and the pipeline would keep the half-written object.
            _finish.TrySetException(ex);
            await _write.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
        _finish.TrySetResult();
        return await _write.ConfigureAwait(false);
    }

    /// <summary>Abandons the segment: the pipeline deletes what it wrote. Its transactions were never acknowledged, so the slot sends them again.</summary>
    public async Task AbandonAsync()
    {
        _finish.TrySetException(new OperationCanceledException("The segment was abandoned."));
        try
        {
            await _write.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The cancellation this method asked for.
        }
    }
}
