using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Postgres;
using Backup.Core.Replay;

namespace Backup.Core;

/// <summary>Point-in-time recovery: a chain's full backup restored, then its incrementals replayed.</summary>
public sealed partial class BackupService
{
    /// <summary>
    /// Recovers the database as it was at <paramref name="target"/>: restores the newest full
    /// backup whose chain covers it into a new database, then replays the chain's transactions
    /// committed at or before the target, each whole. The result says the time actually reached.
    /// </summary>
    /// <exception cref="BackupException">The target is outside every recoverable window; the message names the windows.</exception>
    public async Task<PointInTimeResult> PointInTimeRecoveryAsync(DateTimeOffset target, PointInTimeOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        await RecoverAsync(target, options ?? new PointInTimeOptions(), progress, cancellationToken).ConfigureAwait(false);

    /// <summary>Recovers the latest state the backups hold: the newest chain's full backup and all its incrementals.</summary>
    public async Task<PointInTimeResult> RestoreLatestAsync(PointInTimeOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        await RecoverAsync(null, options ?? new PointInTimeOptions(), progress, cancellationToken).ConfigureAwait(false);

    private async Task<PointInTimeResult> RecoverAsync(DateTimeOffset? target, PointInTimeOptions options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var engine = RequireEngine();
        var started = _time.GetUtcNow();
        var chain = RecoveryPlanner.Plan(await ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false), engine.Connection.Database, target);
        // Planning runs on envelopes; replaying needs the full backup's restore facts and table shapes.
        foreach (var backup in chain.Incrementals.Prepend(chain.Full))
        {
            backup.RequireDetails();
        }
        var until = target ?? chain.WindowEnd;
        var database = options.TargetDatabase ?? $"{chain.Full.Database}_pitr_{started.UtcDateTime:yyyyMMdd_HHmmss_fff}";
        DatabaseName.Validate(database, nameof(PointInTimeOptions.TargetDatabase));
        var ids = new[] { chain.Full.Id }.Concat(chain.Incrementals.Select(i => i.Id)).ToList();
        var plan = new List<string>
        {
            $"restore the full backup {chain.Full.Id} (snapshot {chain.WindowStart:u}) into a new database '{database}'",
            chain.Incrementals.Count == 0
                ? "no incremental backups to replay"
                : $"replay {chain.Incrementals.Count} incremental backup(s) {chain.Incrementals[0].Id} .. {chain.Incrementals[^1].Id}, every transaction committed at or before {until:u}",
            $"recoverable window of this chain: {chain.WindowStart:u} to {chain.WindowEnd:u}",
            RolesPlanStep(chain.Full, options.CreateMissingRoles, options.NoOwner),
        };
        var files = options.Files is null ? null
            : await NewestFileBackupAsync(target, cancellationToken).ConfigureAwait(false)
              ?? throw new BackupException(target is null ? "Files were asked for, but there is no completed file backup." : $"Files were asked for, but no file backup completed at or before {target.Value:u}.");
        if (files is not null)
        {
            files.RequireDetails();
            plan.Add($"restore the file backup {files.Id} ({files.Files!.Name}) into '{options.Files!.TargetDirectory}'");
        }
        if (options.DryRun)
        {
            var notCovered = TablesNotCovered(chain, until);
            return new PointInTimeResult { TargetDatabase = database, Target = until, DryRun = true, BackupIds = ids, Plan = plan, TablesNotCovered = notCovered, Caveats = Caveats(chain, until, notCovered, []) };
        }
        if (options.Verify)
        {
            foreach (var backup in chain.Incrementals.Prepend(chain.Full))
            {
                progress?.Report(new BackupProgress("verifying " + backup.Id, 0));
                await _pipeline.VerifyAsync(backup.Content!, cancellationToken).ConfigureAwait(false);
            }
        }
        progress?.Report(new BackupProgress("restoring " + chain.Full.Id, 0));
        var roles = await ReadRolesAsync(chain.Full, options.NoOwner, cancellationToken).ConfigureAwait(false);
        var createdRoles = await engine.RestoreAsync(
            WithRoles(new EngineRestoreRequest { TargetDatabase = database, BackupProperties = chain.Full.Properties }, chain.Full, roles, options.CreateMissingRoles, options.NoOwner),
            ct => _pipeline.OpenReadAsync(chain.Full.Content!, ct),
            cancellationToken).ConfigureAwait(false);
        PointInTimeResult recovered;
        try
        {
            recovered = await ReplayChainAsync(engine, chain, database, until, ids, plan, started, options.RefreshMaterializedViews, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A half-recovered database would look like a good one: remove it.
            Log.RestoreFailedDroppingTarget(_logger, database, ex.Message);
            await engine.DropDatabaseAsync(database, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        // The database is whole by now: a file restore that fails leaves it in place and says why.
        recovered = recovered with { CreatedRoles = createdRoles };
        return files is null ? recovered : recovered with { Files = await RestoreFilesAsync(files.Id, options.Files!, cancellationToken).ConfigureAwait(false) };
    }

    private async Task<PointInTimeResult> ReplayChainAsync(
        PostgresBackupEngine engine, RecoveryChain chain, string database, DateTimeOffset until, List<string> ids, List<string> plan, DateTimeOffset started, bool refreshViews, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var replayStarted = _time.GetUtcNow();
        var connection = await engine.OpenForReplayAsync(database, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Timestamp-mode rows may already exist in the full backup: they replace what is there.
            var upsert = chain.Incrementals.Any(i => i.Properties.GetValueOrDefault(IncrementalModeProperty) == TimestampMode);
            var replayer = new ChangeReplayer(connection, _logger, upsert);
            foreach (var incremental in chain.Incrementals)
            {
                progress?.Report(new BackupProgress("replaying " + incremental.Id, 0));
                var stream = await _pipeline.OpenReadAsync(incremental.Content!, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var more = await replayer.ApplyAsync(new ChangeSegmentReader(stream), until, cancellationToken).ConfigureAwait(false);
                    if (!more)
                    {
                        // The replayer read the rest of the segment (for its sequence values); what
                        // follows the last item is read here so the end-of-stream hash checks run.
                        await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                }
            }
            // Captured values are at least the target's: a recovered database never reissues a number.
            await replayer.SetSequencesAsync(cancellationToken).ConfigureAwait(false);
            // With nothing replayed, the views pg_restore computed already agree with the tables.
            progress?.Report(new BackupProgress("materialized views", 0));
            var views = await MaterializedViewRefresh.RunAsync(connection, refreshViews && replayer.Changes > 0, _logger, cancellationToken).ConfigureAwait(false);
            var notCovered = TablesNotCovered(chain, until);
            return new PointInTimeResult
            {
                TargetDatabase = database,
                Target = until,
                Reached = replayer.ReachedCommitTime ?? chain.WindowStart,
                BackupIds = ids,
                Plan = plan,
                Transactions = replayer.Transactions,
                Changes = replayer.Changes,
                Duration = _time.GetUtcNow() - started,
                ReplayDuration = _time.GetUtcNow() - replayStarted,
                TablesNotCovered = notCovered,
                MaterializedViews = views,
                Caveats = Caveats(chain, until, notCovered, views),
            };
        }
    }

    // The timestamp-mode incrementals replay applies up to the target: each is one transaction at its snapshot time.
    private static IEnumerable<BackupManifest> TimestampIncrementals(RecoveryChain chain, DateTimeOffset until) =>
        chain.Incrementals.Where(i => i.Properties.GetValueOrDefault(IncrementalModeProperty) == TimestampMode && i.SnapshotAt <= until);

    private static List<string> TablesNotCovered(RecoveryChain chain, DateTimeOffset until) =>
        TimestampIncrementals(chain, until)
            .SelectMany(i => i.Properties.GetValueOrDefault(NotCoveredProperty, "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static List<string> Caveats(RecoveryChain chain, DateTimeOffset until, List<string> notCovered, IReadOnlyList<RecoveredMaterializedView> views)
    {
        var caveats = new List<string>();
        var timestamp = TimestampIncrementals(chain, until).ToList();
        if (timestamp.Count > 0)
        {
            var columns = string.Join("', '", timestamp.Select(i => i.Properties.GetValueOrDefault("timestampColumn", "?")).Distinct(StringComparer.Ordinal));
            caveats.Add($"Timestamp-mode incrementals do not capture deletes: rows deleted after the full backup {chain.Full.Id} are still present. Nor do they capture a change that did not move the column '{columns}'.");
        }
        if (notCovered.Count > 0)
        {
            caveats.Add($"Not covered by the timestamp-mode incrementals (no timestamp column or no primary key), so as of the full backup {chain.Full.Id}: {string.Join(", ", notCovered)}.");
        }
        var refreshed = views.Where(v => v.State == MaterializedViewState.Refreshed).Select(v => v.Name).ToList();
        if (refreshed.Count > 0)
        {
            caveats.Add($"Materialized views refreshed from the recovered tables (a view the source had not refreshed since its tables changed holds newer contents here): {string.Join(", ", refreshed)}.");
        }
        var kept = views.Where(v => v.State == MaterializedViewState.AsOfFullBackup).Select(v => v.Name).ToList();
        if (kept.Count > 0)
        {
            caveats.Add($"Materialized views as pg_restore computed them from the tables of the full backup {chain.Full.Id} (a refresh in the source after it is not in the change stream; one stale in the source at the full backup is fresh as of it): {string.Join(", ", kept)}.");
        }
        return caveats;
    }
}
