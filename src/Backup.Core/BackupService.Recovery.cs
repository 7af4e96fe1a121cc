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
            return new PointInTimeResult { TargetDatabase = database, Target = until, DryRun = true, BackupIds = ids, Plan = plan };
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
            recovered = await ReplayChainAsync(engine, chain, database, until, ids, plan, started, progress, cancellationToken).ConfigureAwait(false);
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
        PostgresBackupEngine engine, RecoveryChain chain, string database, DateTimeOffset until, List<string> ids, List<string> plan, DateTimeOffset started, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
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
                        // The rest of this segment is after the target; it is still read to its end, where its hashes are checked.
                        await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                }
            }
            // Captured values are at least the target's: a recovered database never reissues a number.
            await replayer.SetSequencesAsync(cancellationToken).ConfigureAwait(false);
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
            };
        }
    }
}
