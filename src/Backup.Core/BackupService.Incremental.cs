using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Postgres;

namespace Backup.Core;

/// <summary>Incremental backups: change capture from a replication slot, or rows newer than a timestamp.</summary>
public sealed partial class BackupService
{
    /// <summary>
    /// Continues the newest chain with an incremental backup. With change capture
    /// (<see cref="PostgresOptions.ChangeCapture"/>): every transaction committed since the chain's
    /// previous backup up to the moment of this call; the slot moves forward only after the
    /// backup's manifest is stored, so a failed attempt loses nothing and the next one captures
    /// the same changes again. Without it (timestamp mode): every row whose
    /// <see cref="PostgresOptions.TimestampColumn"/> is at or after <see cref="IncrementalBackupOptions.Since"/>
    /// — deletes are not captured in this mode, and the manifest says so.
    /// </summary>
    /// <exception cref="ArgumentException">An option does not apply to this mode; the message names it.</exception>
    /// <exception cref="BackupException">The chain is broken (its slot was dropped or is missing; a missing slot marks it so): take a full backup.</exception>
    /// <exception cref="SchemaChangedException">A table changed since the chain's full backup (unless <see cref="PostgresOptions.NewChainOnSchemaChange"/> is on, which takes a full backup instead).</exception>
    public async Task<BackupManifest> CreateIncrementalBackupAsync(IncrementalBackupOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new IncrementalBackupOptions();
        var engine = RequireEngine();
        var chain = RecoveryPlanner.Plan(await ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false), engine.Connection.Database, null);
        // The chain's table shapes are details: continuing a chain needs the key.
        chain.Full.RequireDetails();
        var slot = chain.Full.Properties.GetValueOrDefault(PostgresBackupEngine.SlotProperty);
        if (!engine.ChangeCaptureEnabled)
        {
            if (slot is not null)
            {
                throw new BackupException($"The newest chain (full backup {chain.Full.Id}) captures changes from a replication slot, but change capture is off now. Turn Backup:Postgres:ChangeCapture on again, or take a full backup to start a timestamp-mode chain.");
            }
            return await StoreIncrementalAsync(engine, chain, options, progress, (writer, ct) => ExportSinceAsync(engine, chain, options, writer, ct), cancellationToken).ConfigureAwait(false);
        }
        if (options.Since is not null)
        {
            throw new ArgumentException("Since applies to timestamp-mode incrementals only: with change capture an incremental always continues exactly where the chain's previous backup ended.", nameof(options));
        }
        if (options.Tables is not null)
        {
            throw new ArgumentException("Tables applies to timestamp-mode incrementals only: a change-capture chain's incrementals hold every table its publication covers (Backup:Postgres:PublicationName), or recovery would lose the others' changes.", nameof(options));
        }
        if (chain.Full.Properties.GetValueOrDefault(ChainBrokenProperty) is { } broken)
        {
            throw ChainBrokenError(chain.Full.Id, broken, null);
        }
        if (slot is null)
        {
            throw new BackupException($"The newest full backup {chain.Full.Id} was taken without change capture, so no slot holds the changes since: take a full backup (with change capture on, it starts a chain).");
        }
        try
        {
            return await StoreIncrementalAsync(engine, chain, options, progress, (writer, ct) => CaptureAsync(engine, chain, slot, writer, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicationSlotMissingException ex)
        {
            var reason = $"its replication slot {ex.SlotName} was found missing at {_time.GetUtcNow().ToString("u", System.Globalization.CultureInfo.InvariantCulture)}";
            await MarkChainBrokenAsync(chain.Full, reason, cancellationToken).ConfigureAwait(false);
            throw ChainBrokenError(chain.Full.Id, reason, ex);
        }
        catch (SchemaChangedException ex) when (engine.NewChainOnSchemaChange)
        {
            Log.NewChainAfterSchemaChange(_logger, chain.Full.Id, ex.Message);
            return await CreateFullBackupAsync(
                new FullBackupOptions { Compress = options.Compress, Encrypt = options.Encrypt, Comment = options.Comment, ScheduleId = options.ScheduleId, WaitIfBusy = true },
                progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IncrementalCapture> CaptureAsync(PostgresBackupEngine engine, RecoveryChain chain, string slot, ChangeSegmentWriter writer, CancellationToken cancellationToken)
    {
        var capture = engine.Capture(slot);
        // The chain knows its full backup's tables and the partitions its incrementals added since.
        var shapes = chain.Incrementals.Prepend(chain.Full).SelectMany(b => b.Properties)
            .Where(p => p.Key.StartsWith(TableShapes.PropertyPrefix, StringComparison.Ordinal))
            .GroupBy(p => p.Key[TableShapes.PropertyPrefix.Length..], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var captured = await capture.DrainAsync(writer, shapes, chain.Full.Id, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(captured.EndLsn, cancellationToken).ConfigureAwait(false);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { [IncrementalModeProperty] = "change-capture" };
        foreach (var partition in captured.NewPartitions)
        {
            properties[TableShapes.PropertyPrefix + partition.Table] = partition.Shape;
        }
        return new IncrementalCapture(
            new NpgsqlTypes.NpgsqlLogSequenceNumber(captured.EndLsn).ToString(), captured.FirstCommit, captured.LastCommit, null,
            properties,
            // Only once the manifest is stored may the server forget these changes.
            ct => capture.AcknowledgeAsync(captured.EndLsn, ct));
    }

    private async Task<IncrementalCapture> ExportSinceAsync(PostgresBackupEngine engine, RecoveryChain chain, IncrementalBackupOptions options, ChangeSegmentWriter writer, CancellationToken cancellationToken)
    {
        var parent = chain.Incrementals.Count > 0 ? chain.Incrementals[^1] : chain.Full;
        var since = options.Since ?? (parent.Properties.TryGetValue(PostgresBackupEngine.ChangesSinceProperty, out var at)
            ? DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) - engine.TimestampOverlap
            : throw new BackupException($"The backup {parent.Id} does not record where the next timestamp-mode incremental should start (it predates this version): pass Since, or take a full backup."));
        if (options.Tables is { Count: 0 })
        {
            // An incremental of no table would still move the chain's mark past every change made meanwhile.
            throw new ArgumentException("Tables is empty: name at least one table, or leave it null for every table with the timestamp column.", nameof(options));
        }
        var exported = await new TimestampExport(engine.Connection, engine.TimestampColumn).ExportAsync(since.ToUniversalTime(), options.Tables, options.WaitIfBusy, writer, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(0, cancellationToken).ConfigureAwait(false);
        if (exported.NotCovered.Count > 0)
        {
            Log.TimestampTablesNotCovered(_logger, engine.TimestampColumn, string.Join(", ", exported.NotCovered));
        }
        return new IncrementalCapture(null, exported.SnapshotAt, exported.SnapshotAt, exported.SnapshotAt,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [IncrementalModeProperty] = TimestampMode,
                ["deletes"] = "not captured: timestamp-mode incrementals hold rows changed since 'since'; rows deleted since are still present after recovery",
                ["since"] = PostgresBackupEngine.Timestamp(since),
                ["timestampColumn"] = engine.TimestampColumn,
                ["tables"] = string.Join(",", exported.Tables),
                [NotCoveredProperty] = string.Join(",", exported.NotCovered),
                [PostgresBackupEngine.SnapshotAtProperty] = PostgresBackupEngine.Timestamp(exported.SnapshotAt),
                [PostgresBackupEngine.ChangesSinceProperty] = PostgresBackupEngine.Timestamp(exported.NextSince),
            },
            null);
    }

    private async Task<BackupManifest> StoreIncrementalAsync(
        PostgresBackupEngine engine, RecoveryChain chain, IncrementalBackupOptions options, IProgress<BackupProgress>? progress,
        Func<ChangeSegmentWriter, CancellationToken, Task<IncrementalCapture>> produce, CancellationToken cancellationToken)
    {
        var parent = chain.Incrementals.Count > 0 ? chain.Incrementals[^1] : chain.Full;
        var started = _time.GetUtcNow();
        var id = BackupId.New(started);
        _running[id] = BackupType.Incremental;
        try
        {
            Log.BackupStarting(_logger, id, "incremental", engine.Connection.Database);
            IncrementalCapture? captured = null;
            long transactions = 0, changes = 0;
            var content = await _pipeline.WriteAsync(
                BackupCatalog.DataKey(BackupType.Incremental, id),
                async (stream, ct) =>
                {
                    var counted = new ProgressStream(stream, "capturing", progress);
                    var writer = new ChangeSegmentWriter(counted);
                    captured = await produce(writer, ct).ConfigureAwait(false);
                    (transactions, changes) = (writer.Transactions, writer.Changes);
                    counted.ReportDone();
                },
                new PipelineWriteOptions { Compress = options.Compress, Encrypt = options.Encrypt, MaxStoredBytes = _maxStoredBytes },
                cancellationToken).ConfigureAwait(false);
            var manifest = new BackupManifest
            {
                Id = id,
                Type = BackupType.Incremental,
                Status = BackupStatus.Completed,
                Engine = engine.Name,
                Database = engine.Connection.Database,
                ServerVersion = chain.Full.ServerVersion,
                LibraryVersion = LibraryVersion,
                StartedAt = started,
                CompletedAt = _time.GetUtcNow(),
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
                Comment = options.Comment,
                ScheduleId = options.ScheduleId,
                Properties = captured.Properties,
            };
            await _catalog.SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
            if (captured.AfterStored is { } afterStored)
            {
                await afterStored(cancellationToken).ConfigureAwait(false);
            }
            Log.BackupCompleted(_logger, id, content.RawBytes, content.StoredBytes, manifest.Duration?.TotalSeconds ?? 0);
            return await FinishedAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        // A schema change that starts a new chain is not a failed backup, nor one refused because another runs.
        catch (Exception ex) when (!(ex is SchemaChangedException && engine.NewChainOnSchemaChange) && ex is not BackupInProgressException)
        {
            await RecordFailureAsync(id, BackupType.Incremental, engine.Connection.Database, started, options.Comment, options.ScheduleId, ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    /// <summary>Manifest property of an incremental: how it was captured.</summary>
    internal const string IncrementalModeProperty = "mode";

    /// <summary>The <see cref="IncrementalModeProperty"/> of timestamp-mode incrementals, which replay upserts.</summary>
    internal const string TimestampMode = "timestamp";

    /// <summary>Manifest property of a timestamp-mode incremental: the tables it does not cover, comma-separated.</summary>
    internal const string NotCoveredProperty = "notCovered";

    /// <summary>What producing one incremental's segment yielded for its manifest, and what to do once the manifest is stored.</summary>
    private sealed record IncrementalCapture(
        string? EndLsn, DateTimeOffset? FirstCommit, DateTimeOffset? LastCommit, DateTimeOffset? SnapshotAt,
        IReadOnlyDictionary<string, string> Properties, Func<CancellationToken, Task>? AfterStored);
}
