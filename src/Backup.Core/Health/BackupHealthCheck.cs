using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Drills;
using Backup.Core.Notifications;
using Backup.Core.Operations;
using Backup.Core.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Backup.Core.Health;

/// <summary>
/// For a probe: the registration's failure status (<c>AddBackupHealthCheck(failureStatus: ...)</c>,
/// Unhealthy by default) when the database does not answer <c>SELECT 1</c>, when the store cannot be
/// listed (or does not answer within <see cref="BackupHealthOptions.StoreTimeout"/>), when there is no completed
/// backup but failed ones, or none at all after <see cref="BackupHealthOptions.FirstBackupGrace"/> (Degraded before), when the newest good backup is too old, when the newest backups all failed, when a
/// change-capture slot holds too much WAL, when a schedule is failing or overdue, when the last
/// restore drill failed, or when drills are expected (<see cref="RestoreDrillsOptions.MaxAge"/>)
/// and none succeeded within that time. Degraded while continuous capture is in a fault it rides
/// out (database or store unreachable, spool full). The data gives the figures behind the verdict.
/// </summary>
public sealed class BackupHealthCheck(
    BackupService backups, IOptions<BackupHealthOptions> options, IOptions<PostgresOptions> postgres, TimeProvider time, IScheduler? scheduler = null, IOptions<RestoreDrillsOptions>? drills = null) : IHealthCheck
{
    // AddCheck<T> builds a new check for every run, so the cache cannot live in the instance; it
    // belongs to the BackupService (one per host) whose catalog it reads.
    private static readonly ConditionalWeakTable<BackupService, CachedVerdict> Cache = [];

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var verdict = await VerdictAsync(cancellationToken).ConfigureAwait(false);
        // The verdict says Unhealthy for a failure; the registration decides what a failure is
        // reported as (a liveness probe may want Degraded, say), as every framework check does.
        var failureStatus = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        return verdict.Status == HealthStatus.Unhealthy && failureStatus != HealthStatus.Unhealthy
            ? new HealthCheckResult(failureStatus, verdict.Description, verdict.Exception, verdict.Data)
            : verdict;
    }

    private Task<HealthCheckResult> VerdictAsync(CancellationToken cancellationToken)
    {
        // The first check of this host starts the first-backup grace, whether or not verdicts are cached.
        var cached = Cache.GetValue(backups, _ => new CachedVerdict(time.GetUtcNow()));
        var duration = options.Value.CacheDuration;
        if (duration <= TimeSpan.Zero)
        {
            return EvaluateAndTellAsync(cached.FirstCheck, cancellationToken);
        }
        lock (cached)
        {
            var now = time.GetUtcNow();
            if (cached.Verdict is null || now - cached.At >= duration || cached.Verdict.IsFaulted || cached.Verdict.IsCanceled)
            {
                // Shared by the callers of the window, so it must not stop when the first of them gives up.
                cached.Verdict = EvaluateAndTellAsync(cached.FirstCheck, CancellationToken.None);
                cached.At = now;
            }
            return cached.Verdict.WaitAsync(cancellationToken);
        }
    }

    // Health changes are observed here, when the host's probe asks (a cached verdict is told once):
    // the notifications see what the probe sees, and no probe means no health notifications.
    private async Task<HealthCheckResult> EvaluateAndTellAsync(DateTimeOffset firstCheck, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(firstCheck, cancellationToken).ConfigureAwait(false);
        backups.Notifications.HealthObserved(result.Status, result.Description);
        return result;
    }

    private async Task<HealthCheckResult> EvaluateAsync(DateTimeOffset firstCheck, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var problems = new List<string>();
        var degraded = new List<string>();
        if (postgres.Value.ConnectionString is { } connection
            && await HealthProbes.DatabaseProblemAsync(connection, o.DatabaseTimeout, cancellationToken).ConfigureAwait(false) is { } databaseProblem)
        {
            // Continuous capture reconnects and loses nothing meanwhile: degraded while it rides it out.
            (RidingOut() ? degraded : problems).Add(databaseProblem);
        }
        BackupSystemStatus status;
        IReadOnlyList<BackupManifest> recent;
        DrillRecord? lastDrill, lastGoodDrill;
        var now = time.GetUtcNow();
        var maxDrillAge = drills?.Value.MaxAge;
        try
        {
            // The status lists the catalog, which reads only new or changed manifests (one LIST, not a GET
            // per backup): the store's probe. The newest backups are then the index it just refreshed.
            // Every read of the store is time-limited: a hung store must not hang the probe.
            status = await HealthProbes.WithinAsync(o.StoreTimeout, backups.GetBackupStatusAsync, cancellationToken).ConfigureAwait(false);
            recent = backups.Catalog.Indexed is { } indexed
                ? [.. indexed.Take(o.FailuresInARow)]
                : await HealthProbes.WithinAsync(o.StoreTimeout, ct => backups.ListBackupsAsync(new BackupQuery { Limit = o.FailuresInARow }, ct), cancellationToken).ConfigureAwait(false);
            (lastDrill, lastGoodDrill) = await HealthProbes.WithinAsync(o.StoreTimeout, ct => backups.Drills.LatestAsync(now - (maxDrillAge ?? TimeSpan.Zero), ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var message = $"the backup store could not be read: {HealthProbes.Reason(ex, o.StoreTimeout)}";
            if (RidingOut())
            {
                // The store or the database is away, and continuous capture already knows: it spools or
                // reconnects and loses nothing meanwhile, so this is degraded, not failed.
                var riding = backups.GetContinuousCaptureStatus()!;
                return HealthCheckResult.Degraded($"continuous capture: {string.Join("; ", riding.Faults.Select(f => f.Message))} ({message})");
            }
            problems.Add(message);
            return HealthCheckResult.Unhealthy(string.Join("; ", problems));
        }
        var newest = status.LatestBackup;
        var grace = o.FirstBackupGrace ?? o.MaxBackupAge;
        if (newest is null && status.FailedBackups > 0)
        {
            // The grace counts from the host's first check, so it restarts with every deploy: once
            // backups were tried and failed (a manifest is completed or failed), there is none.
            problems.Add($"no completed backup; the last {status.FailedBackups} failed");
        }
        else if (newest is null && now - firstCheck < grace)
        {
            degraded.Add($"no completed backup yet (within the first-backup grace of {grace})");
        }
        else if (newest is null)
        {
            problems.Add("there is no completed backup");
        }
        else if (now - (newest.CompletedAt ?? newest.StartedAt) > o.MaxBackupAge)
        {
            problems.Add($"the newest completed backup ({newest.Id}) is older than {o.MaxBackupAge}");
        }
        if (recent.Count >= o.FailuresInARow && recent.All(b => b.Status == BackupStatus.Failed))
        {
            problems.Add($"the last {o.FailuresInARow} backups failed; the newest: {recent[0].Error}");
        }
        var lagLimit = (o.MaxSlotLagMegabytes ?? postgres.Value.MaxSlotLagMegabytes ?? 1024) * 1024 * 1024;
        problems.AddRange(status.Slots.Where(s => s.RetainedWalBytes > lagLimit).Select(s => $"the replication slot {s.Name} holds {s.RetainedWalBytes / (1024 * 1024)} MB of WAL (limit {lagLimit / (1024 * 1024)} MB)"));
        if (scheduler is not null)
        {
            problems.AddRange(scheduler.GetDetailedStatus().Schedules.Where(s => !s.IsHealthy).Select(s => $"schedule {s.Schedule.Id}: {s.Problem}"));
        }
        if (lastDrill is { Success: false })
        {
            problems.Add($"the last restore drill ({lastDrill.Id}) failed: {lastDrill.Error}");
        }
        else if (maxDrillAge is { } maxAge && (lastGoodDrill is null || now - lastGoodDrill.FinishedAt > maxAge))
        {
            problems.Add($"no restore drill succeeded within {maxAge}");
        }
        if (status.ContinuousCapture?.Faults.FirstOrDefault(f => f.Fault == Continuous.CaptureFault.NeedsFullBackup) is { } stopped)
        {
            problems.Add($"continuous capture stopped: {stopped.Message}");
        }
        var data = new Dictionary<string, object>
        {
            ["lastDrill"] = lastDrill?.Id ?? "",
            ["latestBackup"] = newest?.Id ?? "",
            ["totalBackups"] = status.TotalBackups,
            ["failedBackups"] = status.FailedBackups,
            ["failedCopies"] = status.FailedCopies.Count,
        };
        if (problems.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
        }
        if (degraded.Count > 0)
        {
            return HealthCheckResult.Degraded(string.Join("; ", degraded), data: data);
        }
        // Continuous capture rides out its faults (reconnects, spools) without losing anything, so
        // they degrade the verdict rather than fail it; the checks above catch them if they last.
        // A replica standing by while another records the chain is how several replicas are meant to run.
        if (status.ContinuousCapture is { } capture && capture.Faults.Any(f => f.Fault != Continuous.CaptureFault.StandingBy))
        {
            data["recoveryPointLagSeconds"] = capture.RecoveryPointLag?.TotalSeconds ?? -1;
            return HealthCheckResult.Degraded("continuous capture: " + string.Join("; ", capture.Faults.Where(f => f.Fault != Continuous.CaptureFault.StandingBy).Select(f => f.Message)), data: data);
        }
        return HealthCheckResult.Healthy("backups are current", data);
    }

    private bool RidingOut() =>
        backups.GetContinuousCaptureStatus() is { Running: true } riding && riding.Faults.Any(f => f.Fault != Continuous.CaptureFault.StandingBy);

    private sealed class CachedVerdict(DateTimeOffset firstCheck)
    {
        public DateTimeOffset FirstCheck { get; } = firstCheck;

        public Task<HealthCheckResult>? Verdict { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
