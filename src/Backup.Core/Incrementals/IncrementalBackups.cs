using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Database;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Backup.Core.Recovery;
using Backup.Core.Runs;
using Backup.Core.Slots;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Incrementals;

/// <summary>Incremental backups that continue the newest chain: change capture from its replication slot, or rows newer than a timestamp.</summary>
internal sealed class IncrementalBackups(
    BackupRecorder recorder, BackupCatalog catalog, IChangeSource? database, SlotGuard slotGuard, TimestampSegments timestamps, FullBackups fullBackups, Continuous.CaptureState capture, TimeProvider time, ILogger logger)
{
    /// <summary>Takes an incremental backup; see <see cref="BackupService.CreateIncrementalBackupAsync"/>.</summary>
    public async Task<BackupManifest> CreateAsync(IncrementalBackupOptions? options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        options ??= new IncrementalBackupOptions();
        var engine = DatabaseRequired.Require(database);
        var chain = RecoveryPlanner.Plan(await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false), engine.Database, null);
        // The chain's table shapes are details: continuing a chain needs the key.
        chain.Full.RequireDetails();
        var slot = chain.Full.Properties.GetValueOrDefault(ManifestProperties.Slot);
        if (!engine.Settings.CapturesChanges)
        {
            if (slot is not null)
            {
                throw new BackupException($"The newest chain (full backup {chain.Full.Id}) captures changes from a replication slot, but change capture is off now. Turn Backup:Postgres:ChangeCapture on again, or take a full backup to start a timestamp-mode chain.");
            }
            return await StoreAsync(engine, chain, options, progress, (writer, ct) => timestamps.ExportAsync(engine, chain, options, writer, ct), cancellationToken).ConfigureAwait(false);
        }
        if (capture.Running)
        {
            // Two writers of one chain would fork it; the capture's segments already are its incrementals.
            throw new BackupInProgressException("Continuous capture is recording this chain in this process: its segments are the chain's incrementals (at most Backup:Postgres:ContinuousCapture:FlushInterval old), so no incremental is taken.");
        }
        if (options.Since is not null)
        {
            throw new ArgumentException("Since applies to timestamp-mode incrementals only: with change capture an incremental always continues exactly where the chain's previous backup ended.", nameof(options));
        }
        if (options.Tables is not null)
        {
            throw new ArgumentException("Tables applies to timestamp-mode incrementals only: a change-capture chain's incrementals hold every table its publication covers (Backup:Postgres:PublicationName), or recovery would lose the others' changes.", nameof(options));
        }
        if (chain.Full.Properties.GetValueOrDefault(ManifestProperties.ChainBroken) is { } broken)
        {
            throw SlotGuard.ChainBrokenError(chain.Full.Id, broken, null);
        }
        if (slot is null)
        {
            throw new BackupException($"The newest full backup {chain.Full.Id} was taken without change capture, so no slot holds the changes since: take a full backup (with change capture on, it starts a chain).");
        }
        try
        {
            return await StoreAsync(engine, chain, options, progress, (writer, ct) => ChangeCaptureSegments.CaptureAsync(engine, chain, slot, writer, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicationSlotMissingException ex)
        {
            var reason = $"its replication slot {ex.SlotName} was found missing at {time.GetUtcNow().ToString("u", System.Globalization.CultureInfo.InvariantCulture)}";
            await slotGuard.MarkChainBrokenAsync(chain.Full, reason, cancellationToken).ConfigureAwait(false);
            throw SlotGuard.ChainBrokenError(chain.Full.Id, reason, ex);
        }
        catch (SchemaChangedException ex) when (engine.Settings.NewChainOnSchemaChange)
        {
            Log.NewChainAfterSchemaChange(logger, chain.Full.Id, ex.Message);
            return await fullBackups.CreateAsync(
                new FullBackupOptions { Compress = options.Compress, Encrypt = options.Encrypt, Comment = options.Comment, ScheduleId = options.ScheduleId, WaitIfBusy = true, Marks = options.Marks },
                progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<BackupManifest> StoreAsync(
        IChangeSource engine, RecoveryChain chain, IncrementalBackupOptions options, IProgress<BackupProgress>? progress,
        Func<ChangeSegmentWriter, CancellationToken, Task<SegmentCapture>> produce, CancellationToken cancellationToken)
    {
        var parent = chain.Incrementals.Count > 0 ? chain.Incrementals[^1] : chain.Full;
        var run = new BackupRun(BackupType.Incremental, engine.Database, engine.Database, options.Comment, options.ScheduleId)
        {
            SchemaChangeStartsNewChain = engine.Settings.NewChainOnSchemaChange,
            Marks = options.Marks,
        };
        return recorder.RunAsync(run, prepare: null, async (context, ct) =>
        {
            SegmentCapture? captured = null;
            long transactions = 0, changes = 0;
            var content = await context.WriteContentAsync("capturing", context.Progress, options.Compress, options.Encrypt, async (stream, ct) =>
            {
                var writer = new ChangeSegmentWriter(stream);
                captured = await produce(writer, ct).ConfigureAwait(false);
                (transactions, changes) = (writer.Transactions, writer.Changes);
            }, ct).ConfigureAwait(false);
            var manifest = context.Completed with
            {
                Engine = engine.Name,
                Database = engine.Database,
                ServerVersion = chain.Full.ServerVersion,
                ParentId = parent.Id,
                ChainId = chain.Full.Id,
                StartLsn = parent.EndLsn,
                EndLsn = captured!.EndLsn,
                SnapshotAt = captured.SnapshotAt,
                FirstCommitAt = captured.FirstCommit,
                LastCommitAt = captured.LastCommit,
                TransactionCount = transactions,
                ChangeCount = changes,
                Content = content,
                Tables = options.Tables ?? [],
                Properties = captured.Properties,
            };
            return new ProducedBackup(manifest, captured.AfterStored);
        }, progress, cancellationToken);
    }
}
