using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Continuous;

/// <summary>
/// What continuous capture knows about itself, shared by the capture loop, the uploader, the
/// health check, the metrics and <c>status</c>: the recovery point, the counters, and the faults
/// that last (each logged once when it starts, with what to do, and once when it ends).
/// </summary>
internal sealed class CaptureState(TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<CaptureFault, CaptureFaultStatus> _faults = new();
    private long _recoveryPointTicks = -1;
    private long _segments;
    private long _segmentBytes;
    private long _spooled;
    private long _compacted;
    private long _objectsRemoved;
    private long _storeTookTicks;

    public volatile bool Running;
    public volatile string? ChainId;

    public long SegmentsStored => Interlocked.Read(ref _segments);

    public long SegmentBytesStored => Interlocked.Read(ref _segmentBytes);

    public long SpooledBytes => Interlocked.Read(ref _spooled);

    public DateTimeOffset? RecoveryPoint => Interlocked.Read(ref _recoveryPointTicks) is var ticks and >= 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public long SegmentsCompacted => Interlocked.Read(ref _compacted);

    public long ObjectsRemovedByCompaction => Interlocked.Read(ref _objectsRemoved);

    public void Compacted(Compaction.SegmentCompactionResult result)
    {
        Interlocked.Add(ref _compacted, result.SegmentsMerged);
        Interlocked.Add(ref _objectsRemoved, result.ObjectsBefore - result.ObjectsAfter);
    }

    public void Spooled(long bytes) => Interlocked.Add(ref _spooled, bytes);

    /// <summary>
    /// How long storing a segment took lately, from its cut to its confirmation: the newest time,
    /// or the longest seen decayed by a tenth per segment, whichever is longer (a slow store counts
    /// at once and is forgotten over a few segments). The capture cuts this much earlier.
    /// </summary>
    public TimeSpan StoreTook => TimeSpan.FromTicks(Interlocked.Read(ref _storeTookTicks));

    /// <summary>Notes how long storing one segment took (see <see cref="StoreTook"/>).</summary>
    public void StoreTaking(TimeSpan took)
    {
        long seen;
        long next;
        do
        {
            seen = Interlocked.Read(ref _storeTookTicks);
            next = Math.Max(took.Ticks, seen * 9 / 10);
        }
        while (Interlocked.CompareExchange(ref _storeTookTicks, next, seen) != seen);
    }

    /// <summary>A segment is stored: every commit up to <paramref name="coveredThrough"/> is recoverable.</summary>
    public void Stored(long bytes, DateTimeOffset? coveredThrough)
    {
        Interlocked.Increment(ref _segments);
        Interlocked.Add(ref _segmentBytes, bytes);
        if (coveredThrough is { } at)
        {
            var ticks = at.UtcTicks;
            long seen;
            do
            {
                seen = Interlocked.Read(ref _recoveryPointTicks);
            }
            while (ticks > seen && Interlocked.CompareExchange(ref _recoveryPointTicks, ticks, seen) != seen);
        }
    }

    /// <summary>Notes a fault; logged only when it was not already noted.</summary>
    public void Fault(CaptureFault fault, string message, string advice)
    {
        // Messages are sentences of their own elsewhere; here the log adds the full stop.
        message = message.TrimEnd('.');
        if (_faults.TryAdd(fault, new CaptureFaultStatus(fault, message, time.GetUtcNow())))
        {
            if (fault == CaptureFault.NeedsFullBackup)
            {
                Log.CaptureStopped(logger, message, advice);
            }
            else
            {
                Log.CaptureFaultStarted(logger, message, advice);
            }
        }
    }

    /// <summary>Ends a fault, if it was noted.</summary>
    public void Cleared(CaptureFault fault)
    {
        if (_faults.TryRemove(fault, out var ended))
        {
            Log.CaptureFaultEnded(logger, ended.Message, (time.GetUtcNow() - ended.Since).TotalSeconds);
        }
    }

    public ContinuousCaptureStatus Snapshot()
    {
        var point = RecoveryPoint;
        return new ContinuousCaptureStatus
        {
            Running = Running,
            ChainId = ChainId,
            RecoveryPoint = point,
            RecoveryPointLag = point is { } p ? time.GetUtcNow() - p : null,
            SegmentsStored = SegmentsStored,
            SpooledBytes = SpooledBytes,
            Faults = [.. _faults.Values.OrderBy(f => f.Since)],
        };
    }
}
