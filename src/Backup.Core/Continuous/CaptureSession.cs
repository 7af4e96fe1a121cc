using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Engine;
using Backup.Core.Pipeline;
using Backup.Core.Runs;
using NpgsqlTypes;

namespace Backup.Core.Continuous;

/// <summary>
/// One connection's worth of continuous capture: the segment being written, when it is due to be
/// cut (so that its first commit is stored <see cref="ContinuousCaptureOptions.FlushInterval"/> after
/// it committed, see <see cref="CutDeadline"/>, or at <see cref="ContinuousCaptureOptions.MaxSegmentBytes"/>),
/// and its manifest once cut. A segment
/// open when the session ends is abandoned: it was never confirmed, so the slot sends it again.
/// </summary>
internal sealed class CaptureSession(
    ChainCursor cursor, SegmentUploader uploader, BackupPipeline spool, ContinuousCaptureOptions options, string engineName, CaptureState state, TimeProvider time) : IChangeStreamConsumer, IAsyncDisposable
{
    private readonly List<TableShape> _added = [];
    private OpenSegment? _open;
    private DateTimeOffset? _firstArrived;
    private DateTimeOffset? _firstSeen;
    private DateTimeOffset? _firstCommit;
    private DateTimeOffset? _lastCommit;
    private DateTimeOffset? _coveredThrough;
    private ulong _endLsn;

    public TimeSpan PollInterval { get; } = TimeSpan.FromTicks(Math.Clamp(options.FlushInterval.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerMillisecond * 250));

    public bool CutDue =>
        _open is not null && _firstArrived is { } first && _firstSeen is { } committed
        && (CutDeadline.Due(time.GetUtcNow(), first, committed, options.FlushInterval, state.StoreTook) || _open.RawBytes >= options.MaxSegmentBytes);

    public ulong Confirmed => uploader.ConfirmedFor(cursor.ChainId);

    public async ValueTask<ChangeSegmentWriter> SegmentAsync(CancellationToken cancellationToken)
    {
        _open ??= await OpenSegment.StartAsync(spool, cursor.NextId(time.GetUtcNow()), time.GetUtcNow()).ConfigureAwait(false);
        return _open.Writer;
    }

    public void Connected() => state.Cleared(CaptureFault.DatabaseUnreachable);

    public void PartitionsAdded(IReadOnlyList<TableShape> partitions) => _added.AddRange(partitions);

    public void Committed(ulong endLsn, DateTimeOffset commitTime, bool written)
    {
        _firstArrived ??= time.GetUtcNow();
        _firstSeen ??= commitTime;
        _endLsn = endLsn;
        _coveredThrough = commitTime;
        if (written)
        {
            _firstCommit ??= commitTime;
            _lastCommit = commitTime;
        }
    }

    public async Task CutAsync(Func<ChangeSegmentWriter, CancellationToken, Task> writeTail, CancellationToken cancellationToken)
    {
        var segment = _open ?? throw new InvalidOperationException("No segment is open.");
        var cutAt = time.GetUtcNow();
        await writeTail(segment.Writer, cancellationToken).ConfigureAwait(false);
        // From here the segment is completed or, if that fails, already removed from the spool by the pipeline.
        _open = null;
        // Shapes reshaped by the segment's schema changes are the chain's from its end on (after new partitions').
        _added.AddRange(segment.Writer.SchemaShapes.Select(s => new TableShape(s.Key, s.Value)));
        var content = await segment.CompleteAsync(_endLsn, cancellationToken).ConfigureAwait(false);
        var manifest = Manifest(segment, content);
        cursor.Advance(segment.Id, _endLsn, _added);
        var spooled = new SpooledSegment(manifest, _endLsn, _coveredThrough, cutAt);
        (_firstArrived, _firstSeen, _firstCommit, _lastCommit, _coveredThrough) = (null, null, null, null, null);
        _added.Clear();
        await uploader.EnqueueAsync(spooled, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_open is { } open)
        {
            _open = null;
            await open.AbandonAsync().ConfigureAwait(false);
        }
    }

    // An ordinary change-capture incremental of the chain: recovery, verify, retention and status read it like any other.
    private BackupManifest Manifest(OpenSegment segment, StoredContent content)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManifestProperties.IncrementalMode] = ManifestProperties.ChangeCaptureMode,
            [ManifestProperties.Capture] = ManifestProperties.ContinuousSegment,
        };
        foreach (var partition in _added)
        {
            properties[ManifestProperties.TableShapePrefix + partition.Table] = partition.Shape;
        }
        return new BackupManifest
        {
            Id = segment.Id,
            Type = BackupType.Incremental,
            Status = BackupStatus.Completed,
            LibraryVersion = ProductVersion.Value,
            StartedAt = segment.OpenedAt,
            Engine = engineName,
            Database = cursor.Chain.Full.Database,
            ServerVersion = cursor.Chain.Full.ServerVersion,
            ParentId = cursor.LastId,
            ChainId = cursor.ChainId,
            StartLsn = new NpgsqlLogSequenceNumber(cursor.EndLsn).ToString(),
            EndLsn = new NpgsqlLogSequenceNumber(_endLsn).ToString(),
            // The chain's window reaches the last commit the segment saw, empty ones (markers) included.
            SnapshotAt = _coveredThrough,
            FirstCommitAt = _firstCommit,
            LastCommitAt = _lastCommit,
            TransactionCount = segment.Writer.Transactions,
            ChangeCount = segment.Writer.Changes,
            Content = content,
            Tables = [],
            Properties = properties,
        };
    }
}
