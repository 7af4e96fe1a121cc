using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Database;
using Backup.Core.Diagnostics;
using Backup.Core.Engine;
using Backup.Core.Files;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Replay;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Recovery;

/// <summary>Point-in-time recovery: a chain's full backup restored into a new database, then its incrementals replayed up to the target.</summary>
internal sealed class PointInTimeRecovery(
    BackupCatalog catalog, BackupPipeline pipeline, IDatabaseRestorer? database, IReplayTarget? replayTarget, RolesObject roles, FileBackups files, TimeProvider time, ILogger logger)
{
    /// <summary>Recovers to <paramref name="target"/> (the latest moment the backups hold when null).</summary>
    /// <param name="target">The moment; the latest when null.</param>
    /// <param name="options">Target database, verification, files, roles.</param>
    /// <param name="progress">Receives the steps.</param>
    /// <param name="cancellationToken">Cancels the recovery; a half-recovered database is dropped.</param>
    /// <param name="afterFullRestore">
    /// Runs on the database (the full backup and its name) once the full backup is restored and
    /// before anything is replayed: the one moment its row counts must equal the manifest's. A
    /// failure drops the database like a failed replay.
    /// </param>
    public Task<PointInTimeResult> RecoverAsync(
        DateTimeOffset? target, PointInTimeOptions? options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken,
        Func<BackupManifest, string, CancellationToken, Task>? afterFullRestore = null) =>
        BackupTracing.TraceAsync("recovery", null, null, _ => RecoverWithOutcomeLoggedAsync(target, options, progress, afterFullRestore, cancellationToken));

    private async Task<PointInTimeResult> RecoverWithOutcomeLoggedAsync(
        DateTimeOffset? target, PointInTimeOptions? options, IProgress<BackupProgress>? progress,
        Func<BackupManifest, string, CancellationToken, Task>? afterFullRestore, CancellationToken cancellationToken)
    {
        // A recovery that does not complete says so in the log: refused (nothing was touched),
        // cancelled, or failed (the engine's and replay's own lines say where).
        var into = options?.TargetDatabase ?? "a new database";
        try
        {
            return await RecoverStepsAsync(target, options, ProgressLog.Wrap(progress, logger, time, "Point-in-time recovery" + (target is { } t ? $" to {t:u}" : " to the latest moment")), afterFullRestore, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.RecoveryCancelled(logger, into);
            throw;
        }
        catch (Exception ex) when (OperatorLines.IsRefusal(ex))
        {
            Log.RecoveryRefused(logger, into, ex.Message);
            throw;
        }
    }

    private async Task<PointInTimeResult> RecoverStepsAsync(
        DateTimeOffset? target, PointInTimeOptions? options, IProgress<BackupProgress> progress,
        Func<BackupManifest, string, CancellationToken, Task>? afterFullRestore, CancellationToken cancellationToken)
    {
        options ??= new PointInTimeOptions();
        var engine = DatabaseRequired.Require(database);
        var started = time.GetUtcNow();
        var chain = RecoveryPlanner.Plan(await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false), engine.Database, target);
        // Planning runs on envelopes; replaying needs the full backup's restore facts and table shapes.
        foreach (var backup in chain.Incrementals.Prepend(chain.Full))
        {
            backup.RequireDetails();
        }
        var until = target ?? chain.WindowEnd;
        var recovered = options.TargetDatabase ?? $"{chain.Full.Database}_pitr_{started.UtcDateTime:yyyyMMdd_HHmmss_fff}";
        engine.ValidateTargetName(recovered, nameof(PointInTimeOptions.TargetDatabase));
        var ids = new[] { chain.Full.Id }.Concat(chain.Incrementals.Select(i => i.Id)).ToList();
        var plan = new List<string>
        {
            $"restore the full backup {chain.Full.Id} (snapshot {chain.WindowStart:u}) into a new database '{recovered}'",
            chain.Incrementals.Count == 0
                ? "no incremental backups to replay"
                : $"replay {chain.Incrementals.Count} incremental backup(s) {chain.Incrementals[0].Id} .. {chain.Incrementals[^1].Id}, every transaction committed at or before {until:u}",
            $"recoverable window of this chain: {chain.WindowStart:u} to {chain.WindowEnd:u}",
            RolesObject.PlanStep(chain.Full, options.CreateMissingRoles, options.NoOwner),
        };
        var fileBackup = options.Files is null ? null
            : await files.NewestAsync(target, cancellationToken).ConfigureAwait(false)
              ?? throw new BackupException(target is null ? "Files were asked for, but there is no completed file backup." : $"Files were asked for, but no file backup completed at or before {target.Value:u}.");
        if (fileBackup is not null)
        {
            fileBackup.RequireDetails();
            plan.Add($"restore the file backup {fileBackup.Id} ({fileBackup.Files!.Name}) into '{options.Files!.TargetDirectory}'");
        }
        if (options.DryRun)
        {
            var notCovered = RecoveryCaveats.TablesNotCovered(chain, until);
            return new PointInTimeResult { TargetDatabase = recovered, Target = until, DryRun = true, BackupIds = ids, Plan = plan, TablesNotCovered = notCovered, Caveats = RecoveryCaveats.Of(chain, until, notCovered, []) };
        }
        var replay = DatabaseRequired.Require(replayTarget);
        if (options.Verify)
        {
            progress?.Report(new BackupProgress("verifying " + chain.Full.Id, 0));
            await FullBackupSources.VerifyAsync(chain.Full, pipeline, cancellationToken).ConfigureAwait(false);
            foreach (var backup in chain.Incrementals)
            {
                progress?.Report(new BackupProgress("verifying " + backup.Id, 0));
                await pipeline.VerifyAsync(backup.Content!, cancellationToken).ConfigureAwait(false);
            }
        }
        // The bytes read of the full backup and of every segment, against their plain sizes: the
        // replay may stop early at the target, so the last segments can end the count below the total.
        var read = new ProgressTotal("restoring " + chain.Full.Id, progress, chain.Full.RawBytes + chain.Incrementals.Sum(i => i.RawBytes));
        read.Enter(read.Phase);
        var recorded = await roles.ReadAsync(chain.Full, options.NoOwner, cancellationToken).ConfigureAwait(false);
        var createdRoles = await engine.RestoreAsync(
            RolesObject.WithRoles(new EngineRestoreRequest { TargetDatabase = recovered, BackupProperties = chain.Full.Properties }, chain.Full, recorded, options.CreateMissingRoles, options.NoOwner),
            FullBackupSources.Of(chain.Full, pipeline, read),
            cancellationToken).ConfigureAwait(false);
        PointInTimeResult result;
        try
        {
            if (afterFullRestore is not null)
            {
                await afterFullRestore(chain.Full, recovered, cancellationToken).ConfigureAwait(false);
            }
            result = await ReplayChainAsync(replay, chain, recovered, until, ids, plan, started, options.RefreshMaterializedViews, read, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A half-recovered database would look like a good one: remove it.
            Log.RestoreFailedDroppingTarget(logger, recovered, ex.Message);
            await engine.DropDatabaseAsync(recovered, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        // The database is whole by now: a file restore that fails leaves it in place and says why.
        result = result with { CreatedRoles = createdRoles };
        return fileBackup is null ? result : result with { Files = await files.RestoreAsync(fileBackup.Id, options.Files!, cancellationToken).ConfigureAwait(false) };
    }

    private Task<PointInTimeResult> ReplayChainAsync(
        IReplayTarget replay, RecoveryChain chain, string database, DateTimeOffset until, List<string> ids, List<string> plan, DateTimeOffset started, bool refreshViews, ProgressTotal progress, CancellationToken cancellationToken) =>
        BackupTracing.TraceAsync("recovery.replay", chain.Full.Id, BackupType.Incremental, span =>
        {
            span?.SetTag("backup.incrementals", chain.Incrementals.Count);
            return ReplayChainTracedAsync(replay, chain, database, until, ids, plan, started, refreshViews, progress, cancellationToken);
        });

    private async Task<PointInTimeResult> ReplayChainTracedAsync(
        IReplayTarget replay, RecoveryChain chain, string database, DateTimeOffset until, List<string> ids, List<string> plan, DateTimeOffset started, bool refreshViews, ProgressTotal progress, CancellationToken cancellationToken)
    {
        var replayStarted = time.GetUtcNow();
        var connection = await replay.OpenForReplayAsync(database, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Timestamp-mode rows may already exist in the full backup: they replace what is there.
            var upsert = chain.Incrementals.Any(RecoveryCaveats.IsTimestampMode);
            var replayer = new ChangeReplayer(connection, logger, upsert);
            foreach (var incremental in chain.Incrementals)
            {
                progress.Enter("replaying " + incremental.Id);
                var reporter = progress.ForStream();
                // The replayer may stop at the target; the pipeline still reads the segment to its end,
                // where the hashes are checked, before the next one is applied.
                var more = await pipeline.ReadAsync(
                    incremental.Content!,
                    async (stream, ct) =>
                    {
                        var counted = new ProgressStream(stream, progress.Phase, reporter);
                        try
                        {
                            return await replayer.ApplyAsync(new ChangeSegmentReader(counted), until, ct).ConfigureAwait(false);
                        }
                        finally
                        {
                            counted.ReportDone();
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
                // The pipeline read the segment to its end (its hashes) beyond what the replayer took.
                reporter.Report(new BackupProgress(progress.Phase, incremental.RawBytes));
                if (!more)
                {
                    break;
                }
            }
            // Captured values are at least the target's: a recovered database never reissues a number.
            await replayer.SetSequencesAsync(cancellationToken).ConfigureAwait(false);
            // With nothing replayed, the views pg_restore computed already agree with the tables.
            // Segments past the target need no reading: what the recovery had to read is read.
            progress.Complete("materialized views");
            // A chain that captures schema changes replayed the source's refreshes where they ran: its views are the source's.
            var replayedViews = ManifestProperties.CapturesSchemaChanges(chain.Full);
            var views = await MaterializedViewRefresh.RunAsync(connection, refreshViews && !replayedViews && replayer.Changes > 0, replayedViews, logger, cancellationToken).ConfigureAwait(false);
            var notCovered = RecoveryCaveats.TablesNotCovered(chain, until);
            return new PointInTimeResult
            {
                TargetDatabase = database,
                Target = until,
                Reached = replayer.ReachedCommitTime ?? chain.WindowStart,
                BackupIds = ids,
                Plan = plan,
                Transactions = replayer.Transactions,
                Changes = replayer.Changes,
                Duration = time.GetUtcNow() - started,
                ReplayDuration = time.GetUtcNow() - replayStarted,
                TablesNotCovered = notCovered,
                MaterializedViews = views,
                Caveats = RecoveryCaveats.Of(chain, until, notCovered, views),
            };
        }
    }
}
