using System.Collections.Concurrent;
using System.Threading.Channels;
using Backup.Core.Catalog;
using Backup.Core.Abstractions;

namespace Backup.Core.Continuous;

/// <summary>
/// Moves spooled segments to the store, in order: the data object byte for byte (it is already
/// compressed and encrypted), then its manifest, which makes it part of the chain; only then is
/// its end position confirmed to the server and the spool copy deleted. An unreachable store is
/// retried with backoff for as long as it takes, while the spool fills up to its limit.
/// </summary>
internal sealed class SegmentUploader(
    IStorageProvider spool, BackupCatalog catalog, CaptureState state, long spoolLimitBytes, TimeSpan maxRetryDelay, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger) : IDisposable
{
    private readonly Channel<SpooledSegment> _queue = Channel.CreateUnbounded<SpooledSegment>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ulong> _confirmed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _room = new(0);

    public void Dispose() => _room.Dispose();

    /// <summary>The position up to which the chain <paramref name="chainId"/>'s segments are stored.</summary>
    public ulong ConfirmedFor(string chainId) => _confirmed.GetValueOrDefault(chainId);

    /// <summary>Queues a spooled segment; waits while the spool holds more than its limit.</summary>
    public async Task EnqueueAsync(SpooledSegment segment, CancellationToken cancellationToken)
    {
        state.Spooled(segment.StoredBytes);
        _queue.Writer.TryWrite(segment);
        if (state.SpooledBytes <= spoolLimitBytes)
        {
            return;
        }
        state.Fault(
            CaptureFault.SpoolFull,
            $"the spool holds {state.SpooledBytes >> 20} MB, over its limit of {spoolLimitBytes >> 20} MB, while the store does not take segments",
            "The slot is not read until the store takes them again; the server keeps the WAL meanwhile (watch the slot lag).");
        // Past the limit the stream stops reading: the server keeps the WAL, and the slot-lag limit and health check take over.
        while (state.SpooledBytes > spoolLimitBytes)
        {
            await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        state.Cleared(CaptureFault.SpoolFull);
    }

    /// <summary>Uploads queued segments until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var segment in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await StoreWithRetriesAsync(segment, cancellationToken).ConfigureAwait(false);
            _confirmed[segment.Manifest.ChainId!] = segment.EndLsn;
            state.Stored(segment.StoredBytes, segment.CoveredThrough);
            state.StoreTaking(time.GetUtcNow() - segment.CutAt);
            // Stored twice now; the spool copy is only a copy, and one left behind is cleared at the next start.
            try
            {
                await spool.DeleteAsync(segment.Manifest.Content!.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BackupStorageException)
            {
                Log.CaptureSpoolCopyKept(logger, segment.Manifest.Id, ex.Message);
            }
            state.Spooled(-segment.StoredBytes);
            // Here too, not only in EnqueueAsync: a wait there that was cancelled (a newer chain) would leave the fault up.
            if (state.SpooledBytes <= spoolLimitBytes)
            {
                state.Cleared(CaptureFault.SpoolFull);
            }
            _room.Release();
        }
    }

    private async Task StoreWithRetriesAsync(SpooledSegment segment, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await StoreAsync(segment, cancellationToken).ConfigureAwait(false);
                state.Cleared(CaptureFault.StoreUnreachable);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever the store answers, the segment stays in the spool and is tried again: giving up would lose it.
                state.Fault(
                    CaptureFault.StoreUnreachable,
                    $"the store does not take segments ({ex.Message})",
                    $"Segments wait in the spool (limit {spoolLimitBytes >> 20} MB) and are uploaded when the store is back; check the store's address, credentials and quota.");
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxRetryDelay.Ticks));
            }
        }
    }

    private async Task StoreAsync(SpooledSegment segment, CancellationToken cancellationToken)
    {
        var key = segment.Manifest.Content!.Key;
        var data = await spool.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (data.ConfigureAwait(false))
        {
            await catalog.Storage.PutAsync(key, data, cancellationToken).ConfigureAwait(false);
        }
        await catalog.SaveAsync(segment.Manifest with { CompletedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
    }
}
