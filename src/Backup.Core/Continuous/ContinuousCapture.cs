using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Backup.Core.Pipeline;
using Backup.Core.Recovery;
using Backup.Core.Slots;
using Microsoft.Extensions.Logging;
using NpgsqlTypes;

namespace Backup.Core.Continuous;

/// <summary>
/// Continuous capture's run: records the newest chain through its slot, one connection (a
/// <see cref="CaptureSession"/>) after another. A lost connection is retried with backoff and
/// resumes after the newest spooled segment; a newer chain (a full backup taken meanwhile) is
/// followed; a chain that cannot go on (slot gone, table changed) waits for a full backup.
/// </summary>
internal sealed class ContinuousCapture(
    IContinuousChangeSource source, BackupCatalog catalog, BackupPipeline pipeline, SlotGuard slotGuard,
    ContinuousCaptureOptions options, CaptureState state, Func<CancellationToken, Task>? takeFullBackup,
    Func<TimeSpan, CancellationToken, Task<Compaction.SegmentCompactionResult>>? compact, TimeProvider time, ILogger logger)
{
    // How often segments older than CompactAfter are looked for.
    private static readonly TimeSpan CompactionInterval = TimeSpan.FromMinutes(10);

    // The right to record the chain, held across reconnections (a drain in the gap would fork it).
    private ICaptureLease? _lease;
    private string? _leasedSlot;
    private Storage.LocalStorageProvider? _spoolStore;
    private bool _spoolCleared;

    // How often the catalog is asked whether a newer chain began (a full backup taken elsewhere).
    private static readonly TimeSpan ChainCheckInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The spool folder: the option, or one per database in the user's own application data (the
    /// temporary folder when there is none, as in some containers), made private (0700) when missing.
    /// </summary>
    public string SpoolDirectory => options.SpoolDirectory ?? Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) is { Length: > 0 } own ? own : Path.GetTempPath(),
        "backup-core", "capture", source.Database);

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!OperatingSystem.IsWindows() && !Directory.Exists(SpoolDirectory))
        {
            Directory.CreateDirectory(SpoolDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var spoolStore = new Storage.LocalStorageProvider(new Storage.LocalStorageOptions { RootPath = SpoolDirectory, FlushToDisk = false });
        _spoolStore = spoolStore;
        var spool = pipeline.WithStorage(spoolStore);
        using var uploader = new SegmentUploader(spoolStore, catalog, state, options.SpoolLimitMegabytes << 20, options.MaxRetryDelay, time, logger);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var uploading = uploader.RunAsync(stopping.Token);
        var compacting = options.CompactAfter is { } after && compact is not null ? CompactPeriodicallyAsync(after, compact, stopping.Token) : Task.CompletedTask;
        state.Running = true;
        try
        {
            ChainCursor? cursor = null;
            var delay = TimeSpan.FromSeconds(1);
            while (!stoppingToken.IsCancellationRequested)
            {
                // The uploader only ends with the capture; if it failed, nothing would ever be stored again.
                if (uploading.IsFaulted)
                {
                    await uploading.ConfigureAwait(false);
                }
                var outcome = await RunSessionAsync(cursor, spool, uploader, uploading, stoppingToken).ConfigureAwait(false);
                cursor = outcome.Cursor;
                if (outcome.Healthy)
                {
                    delay = TimeSpan.FromSeconds(1);
                    continue;
                }
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: what is not stored is still in the slot.
        }
        finally
        {
            state.Running = false;
            if (_lease is not null)
            {
                await _lease.DisposeAsync().ConfigureAwait(false);
            }
            await stopping.CancelAsync().ConfigureAwait(false);
            await uploading.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            await compacting.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    // Compaction logs what it merged and what failed (it keeps the sources then); a run that fails
    // as a whole (store away) is tried again at the next interval.
    private async Task CompactPeriodicallyAsync(TimeSpan after, Func<TimeSpan, CancellationToken, Task<Compaction.SegmentCompactionResult>> compact, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CompactionInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                state.Compacted(await compact(after, stoppingToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.CaptureCompactionFailed(logger, ex.Message);
            }
        }
    }

    private async Task<(ChainCursor? Cursor, bool Healthy)> RunSessionAsync(ChainCursor? cursor, BackupPipeline spool, SegmentUploader uploader, Task uploading, CancellationToken stoppingToken)
    {
        try
        {
            return await RecordAsync(cursor, spool, uploader, uploading, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: the stream ends however Npgsql ends a cancelled read, which is no fault.
            return (cursor, true);
        }
        catch (BackupStorageException ex)
        {
            state.Fault(CaptureFault.StoreUnreachable, $"the store cannot be read ({ex.Message})", "Capture starts once it can read the chain from the store; check its address, credentials and quota.");
            return (cursor, false);
        }
        catch (Exception ex)
        {
            // Whatever else failed (the database away, or the handling of a fault below), capture
            // retries with backoff rather than end: a stopped capture would say nothing at all.
            state.Fault(CaptureFault.DatabaseUnreachable, $"reading the slot of {source.Database} failed ({ex.Message})", "It reconnects with backoff and resumes from the newest stored change; nothing is lost while the slot exists.");
            return (cursor, false);
        }
    }

    private async Task<(ChainCursor? Cursor, bool Healthy)> RecordAsync(ChainCursor? cursor, BackupPipeline spool, SegmentUploader uploader, Task uploading, CancellationToken stoppingToken)
    {
        RecoveryChain chain;
        string slot;
        try
        {
            (chain, slot) = await NewestChainAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (BackupException ex) when (ex is not BackupStorageException)
        {
            state.Fault(CaptureFault.NeedsFullBackup, ex.Message, "Take a full backup with change capture on (Backup:Postgres:ChangeCapture); capture starts on its chain by itself.");
            return (cursor, false);
        }
        state.Cleared(CaptureFault.StoreUnreachable);
        if (!await LeaseAsync(slot, stoppingToken).ConfigureAwait(false))
        {
            state.Fault(CaptureFault.StandingBy, $"another process records the chain of {source.Database} (slot {slot})", "This one stands by and takes over if it stops; incrementals are refused meanwhile.");
            // Its cursor may be stale by the time this one takes over: start again from the store.
            return (null, false);
        }
        state.Cleared(CaptureFault.StandingBy);
        if (!_spoolCleared)
        {
            // Only with the lease: a replica standing by on the same host must not clear the active one's spool.
            await ClearSpoolAsync(_spoolStore!, stoppingToken).ConfigureAwait(false);
            _spoolCleared = true;
        }
        if (cursor?.ChainId != chain.Full.Id)
        {
            if (cursor is not null)
            {
                Log.CaptureChainChanged(logger, chain.Full.Id);
            }
            cursor = ChainCursor.Start(chain);
        }
        state.ChainId = chain.Full.Id;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var watching = WatchForNewerChainAsync(chain.Full.Id, session);
        var consumer = new CaptureSession(cursor, uploader, spool, options, source.Name, state, time);
        try
        {
            await using (consumer.ConfigureAwait(false))
            {
                Log.CaptureStarted(logger, source.Database, chain.Full.Id, new NpgsqlLogSequenceNumber(cursor.EndLsn).ToString(), options.FlushInterval.TotalSeconds);
                state.Cleared(CaptureFault.NeedsFullBackup);
                var streaming = source.StreamAsync(new ContinuousStreamRequest(slot, cursor.EndLsn, cursor.Shapes, chain.Full.Id, options.IdleMarkerInterval, cursor.SchemaChangesCaptured), consumer, session.Token);
                // A dead uploader would leave the stream filling the spool until it blocks for good.
                if (await Task.WhenAny(streaming, uploading).ConfigureAwait(false) != streaming)
                {
                    await session.CancelAsync().ConfigureAwait(false);
                }
                await streaming.ConfigureAwait(false);
            }
            return (cursor, false);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested && session.IsCancellationRequested)
        {
            // A newer chain began (the next session records it), or the uploader died (the loop says why).
            return (cursor, true);
        }
        catch (NewPartitionsFoundException)
        {
            // The next stream describes them first; the segment abandoned here was never confirmed.
            return (cursor, true);
        }
        catch (ReplicationSlotMissingException ex)
        {
            var reason = $"its replication slot {ex.SlotName} was found missing at {time.GetUtcNow():u}";
            state.Fault(CaptureFault.NeedsFullBackup, $"the chain of full backup {chain.Full.Id} is broken: {reason}", "Take a full backup; capture starts on its chain by itself.");
            await slotGuard.MarkChainBrokenAsync(chain.Full, reason, stoppingToken).ConfigureAwait(false);
            return (null, false);
        }
        catch (SchemaChangedException ex) when (takeFullBackup is not null)
        {
            Log.NewChainAfterSchemaChange(logger, chain.Full.Id, ex.Message);
            await takeFullBackup(stoppingToken).ConfigureAwait(false);
            return (null, true);
        }
        catch (SchemaChangedException ex)
        {
            state.Fault(CaptureFault.NeedsFullBackup, ex.Message, "Take a full backup (or set Backup:Postgres:NewChainOnSchemaChange to take one by itself).");
            return (cursor, false);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await watching.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    // Keeps the lease of this slot, taking it when it is not held (first session, a new chain, or
    // its connection died with the server); false when another process holds it.
    private async Task<bool> LeaseAsync(string slot, CancellationToken cancellationToken)
    {
        if (_lease is not null && _leasedSlot == slot && await _lease.IsHeldAsync(cancellationToken).ConfigureAwait(false))
        {
            return true;
        }
        if (_lease is not null)
        {
            await _lease.DisposeAsync().ConfigureAwait(false);
            _lease = null;
        }
        _lease = await source.TryLeaseAsync(slot, cancellationToken).ConfigureAwait(false);
        _leasedSlot = slot;
        return _lease is not null;
    }

    private async Task<(RecoveryChain Chain, string Slot)> NewestChainAsync(CancellationToken cancellationToken)
    {
        var chain = RecoveryPlanner.Plan(await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false), source.Database, null);
        chain.Full.RequireDetails();
        if (chain.Full.Properties.GetValueOrDefault(ManifestProperties.ChainBroken) is { } broken)
        {
            throw SlotGuard.ChainBrokenError(chain.Full.Id, broken, null);
        }
        var slot = chain.Full.Properties.GetValueOrDefault(ManifestProperties.Slot)
            ?? throw new BackupException($"The newest full backup {chain.Full.Id} was taken without change capture, so no slot holds the changes since.");
        return (chain, slot);
    }

    // Ends the session (by cancelling it) when the catalog shows a chain newer than the one recorded.
    private async Task WatchForNewerChainAsync(string chainId, CancellationTokenSource session)
    {
        using var timer = new PeriodicTimer(ChainCheckInterval, time);
        while (await timer.WaitForNextTickAsync(session.Token).ConfigureAwait(false))
        {
            var newest = RecoveryPlanner.Chains(await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed }, session.Token).ConfigureAwait(false), source.Database);
            if (newest.Count > 0 && newest[^1].Full.Id != chainId)
            {
                await session.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    // What a killed process left in the spool was never confirmed to the server: the slot sends it again.
    private async Task ClearSpoolAsync(Storage.LocalStorageProvider spool, CancellationToken cancellationToken)
    {
        var left = new List<string>();
        await foreach (var item in spool.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            left.Add(item.Key);
        }
        foreach (var key in left)
        {
            await spool.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        // A segment the killed process was still writing is a staging file, which listing does not show.
        var halfWritten = spool.RemoveStaleStagingFiles(TimeSpan.Zero, time.GetUtcNow());
        if (left.Count + halfWritten > 0)
        {
            Log.CaptureSpoolCleared(logger, left.Count + halfWritten, SpoolDirectory);
        }
    }
}
