using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Database;
using Backup.Core.Engine;
using Backup.Core.Monitoring;
using Backup.Core.Operations;
using Backup.Core.Recovery;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Drills;

/// <summary>
/// Restore drills: the newest backups (or a moment) recovered into a scratch database by the
/// ordinary point-in-time recovery, the full backup's row counts checked against its manifest,
/// the host's checks run, the scratch database dropped, and the outcome with its measured
/// recovery time recorded in the store. <paramref name="recovery"/>, <paramref name="database"/> and
/// <paramref name="replayTarget"/> work on the server the drills restore on: the backed-up one, or
/// another (<paramref name="targetServer"/>, from <see cref="RestoreDrillsOptions.TargetConnectionString"/>).
/// Every recorded outcome is also told to <paramref name="finished"/> (notifications).
/// </summary>
internal sealed class RestoreDrills(
    BackupCatalog catalog, PointInTimeRecovery recovery, IDatabaseRestorer? database, IReplayTarget? replayTarget, RestoreDrillsOptions options,
    BackupMetrics? metrics, TimeProvider time, ILogger logger, string? targetServer = null, Action<DrillRecord>? finished = null)
{
    private readonly DrillStore _store = new(catalog.Storage);

    /// <summary>Runs one drill; see <see cref="BackupService.RunRestoreDrillAsync"/>.</summary>
    public async Task<DrillRecord> RunAsync(DrillOptions? drill, CancellationToken cancellationToken)
    {
        drill ??= new DrillOptions();
        var restorer = DatabaseRequired.Require(database);
        var replay = DatabaseRequired.Require(replayTarget);
        var startedAt = time.GetUtcNow();
        var id = DrillStore.NewId(startedAt);
        // The id's random part keeps two drills of one millisecond (two replicas) apart.
        var scratch = $"backup_drill_{startedAt.UtcDateTime:yyyyMMdd_HHmmss_fff}_{id[^6..]}";
        restorer.ValidateTargetName(scratch, nameof(DrillOptions));
        var record = new DrillRecord { Id = id, StartedAt = startedAt, At = drill.At, ScheduleId = drill.ScheduleId, ScratchDatabase = scratch, TargetServer = targetServer };
        Log.DrillStarting(logger, id, scratch, drill.At);
        if (targetServer is not null)
        {
            Log.DrillOnTargetServer(logger, id, targetServer);
        }
        var started = time.GetTimestamp();
        var phases = new DrillPhases();
        IReadOnlyList<DrillCheckResult> checks = [];
        try
        {
            // The plan first (no database touched): it names the backups even when the restore then fails on them.
            var plan = await recovery.RecoverAsync(drill.At, new PointInTimeOptions { DryRun = true }, null, cancellationToken).ConfigureAwait(false);
            record = await WithSizesAsync(record with { BackupIds = plan.BackupIds }, cancellationToken).ConfigureAwait(false);
            var recovered = await recovery.RecoverAsync(
                drill.At,
                // Without ownership: a drill proves the data, and must not fail (or create roles) because this server lacks the owners.
                new PointInTimeOptions { TargetDatabase = scratch, NoOwner = true },
                null,
                cancellationToken,
                async (full, restored, ct) =>
                {
                    phases = phases with { RestoreSeconds = time.GetElapsedTime(started).TotalSeconds };
                    var verifying = time.GetTimestamp();
                    var (_, mismatches) = await restorer.CompareAsync(restored, full.TableRowCounts, ct).ConfigureAwait(false);
                    phases = phases with { VerifySeconds = time.GetElapsedTime(verifying).TotalSeconds };
                    if (mismatches.Count > 0)
                    {
                        throw RowCountMismatchException.For(full.Id, restored, mismatches);
                    }
                }).ConfigureAwait(false);
            phases = phases with { ReplaySeconds = recovered.ReplayDuration.TotalSeconds };
            if (!recovered.BackupIds.SequenceEqual(plan.BackupIds, StringComparer.Ordinal))
            {
                // A backup finished between the plan and the recovery: the record tells what was restored.
                record = await WithSizesAsync(record with { BackupIds = recovered.BackupIds }, cancellationToken).ConfigureAwait(false);
            }
            record = record with { Reached = recovered.Reached };
            var checking = time.GetTimestamp();
            var connection = await replay.OpenForReplayAsync(scratch, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                checks = await DrillCheckRunner.RunAsync(connection, options.Checks, cancellationToken).ConfigureAwait(false);
            }
            phases = phases with { ChecksSeconds = time.GetElapsedTime(checking).TotalSeconds };
            var failed = checks.FirstOrDefault(c => !c.Passed);
            record = record with
            {
                Success = failed is null,
                Error = failed is null ? null : $"The check '{failed.Name}' {failed.Detail}.",
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A drill stopped (the host shutting down) proved nothing either way: not recorded, so it does not turn health red.
            Log.DrillCancelled(logger, id);
            await DropScratchAsync(scratch, restorer).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            // Whatever stopped the recovery is the drill's finding: recorded, not thrown, so the record is the one place to look.
            record = record with { Success = false, Error = ex.Message };
        }
        var totalSeconds = time.GetElapsedTime(started).TotalSeconds;
        var dropError = await DropScratchAsync(scratch, restorer).ConfigureAwait(false);
        if (dropError is not null && record.Success)
        {
            record = record with { Success = false, Error = dropError };
        }
        record = record with
        {
            FinishedAt = time.GetUtcNow(),
            TotalSeconds = totalSeconds,
            MegabytesPerSecond = totalSeconds > 0 ? record.Bytes / 1e6 / totalSeconds : 0,
            Phases = phases,
            Checks = checks,
        };
        // Recorded whatever the caller does next: a cancellation from here on must not lose the finding.
        await _store.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
        metrics?.DrillFinished(record.Success, record.FinishedAt, totalSeconds);
        if (record.Success)
        {
            Log.DrillSucceeded(logger, id, totalSeconds, record.Bytes, record.MegabytesPerSecond);
        }
        else
        {
            Log.DrillFailed(logger, id, record.Error!);
        }
        finished?.Invoke(record);
        return record;
    }

    /// <summary>The drill records, newest first; at most <paramref name="limit"/> when given.</summary>
    public async Task<IReadOnlyList<DrillRecord>> ListAsync(int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
        }
        var records = new List<DrillRecord>();
        await foreach (var record in _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
            if (record.Success)
            {
                metrics?.ShowDrillSuccess(record.FinishedAt);
            }
            if (records.Count == limit)
            {
                break;
            }
        }
        return records;
    }

    /// <summary>The analytics of the newest <paramref name="limit"/> drills (100 when null) that started at or after <paramref name="since"/> (any time when null).</summary>
    public async Task<DrillAnalytics> AnalyticsAsync(int? limit, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
        }
        var take = limit ?? DefaultAnalyticsLimit;
        var records = new List<DrillRecord>();
        await foreach (var record in _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            // Newest first: the first one older than the period ends it.
            if (record.StartedAt < since || records.Count == take)
            {
                break;
            }
            records.Add(record);
        }
        return DrillAnalytics.Of(records);
    }

    /// <summary>How many drills the analytics read when the caller sets no limit: two years of weekly drills.</summary>
    public const int DefaultAnalyticsLimit = 100;

    /// <summary>The newest drill, and the newest successful one not older than <paramref name="since"/> (reading no further back).</summary>
    public async Task<(DrillRecord? Last, DrillRecord? LastSuccess)> LatestAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        DrillRecord? last = null;
        await foreach (var record in _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            last ??= record;
            if (record.Success)
            {
                metrics?.ShowDrillSuccess(record.FinishedAt);
                return (last, record);
            }
            if (record.StartedAt < since)
            {
                break;
            }
        }
        return (last, null);
    }

    private async Task<DrillRecord> WithSizesAsync(DrillRecord record, CancellationToken cancellationToken)
    {
        long raw = 0, stored = 0;
        foreach (var backupId in record.BackupIds)
        {
            var backup = await catalog.GetAsync(backupId, cancellationToken).ConfigureAwait(false);
            raw += backup.RawBytes;
            stored += backup.StoredBytes;
        }
        return record with { Bytes = raw, StoredBytes = stored };
    }

    // Every way out of a drill passes here: a scratch database left behind would fill the server drill after drill.
    private async Task<string?> DropScratchAsync(string scratch, IDatabaseRestorer restorer)
    {
        try
        {
            await restorer.DropDatabaseAsync(scratch, CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is BackupException or Npgsql.NpgsqlException)
        {
            Log.DrillScratchNotDropped(logger, scratch, ex.Message);
            var where = targetServer is null ? "" : $" on {targetServer}";
            return $"The drill's scratch database '{scratch}'{where} could not be dropped ({ex.Message}); drop it by hand.";
        }
    }
}
