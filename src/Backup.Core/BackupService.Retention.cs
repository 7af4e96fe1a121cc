using Backup.Core.Catalog;
using Backup.Core.Retention;

namespace Backup.Core;

/// <summary>Retention: which backups to keep, chain-aware, and removing the rest.</summary>
public sealed partial class BackupService
{
    /// <summary>
    /// Applies retention (BACKUP_RETENTION_DAYS, per-schedule retentionDays, keep-last / daily /
    /// weekly / monthly) without ever breaking a chain a kept backup needs, and removes data
    /// objects that have no manifest and are older than <see cref="RetentionRules.OrphanGrace"/>.
    /// With <paramref name="dryRun"/> nothing is deleted: the plan says what would be.
    /// </summary>
    /// <param name="dryRun">Only compute the plan.</param>
    /// <param name="retentionDaysBySchedule">Schedules' own retentionDays, by schedule id; their backups are kept that long.</param>
    /// <param name="cancellationToken">Stops between deletions; what was deleted stays deleted, in a safe order.</param>
    public async Task<RetentionPlan> CleanupOldBackupsAsync(bool dryRun = false, IReadOnlyDictionary<string, int>? retentionDaysBySchedule = null, CancellationToken cancellationToken = default)
    {
        var all = await ListBackupsAsync(null, cancellationToken).ConfigureAwait(false);
        int DaysFor(BackupManifest b) => b.ScheduleId is { } schedule && retentionDaysBySchedule?.TryGetValue(schedule, out var days) == true ? days : _retentionDays;
        var plan = RetentionPlanner.Plan(all, _retention, DaysFor, _time.GetUtcNow());
        if (dryRun)
        {
            return plan with { DryRun = true };
        }
        foreach (var decision in plan.Deleted)
        {
            await DeleteBackupAsync(decision.Backup.Id, cancellationToken).ConfigureAwait(false);
            Log.RetentionDeleted(_logger, decision.Backup.Id, decision.Reason);
        }
        var orphans = await _catalog.DeleteOrphansAsync(_retention.OrphanGrace, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return plan with { OrphanedObjects = orphans };
    }
}
