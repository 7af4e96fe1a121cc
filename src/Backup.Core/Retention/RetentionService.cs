using Backup.Core.Backups;
using Backup.Core.Catalog;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Retention;

/// <summary>Applies retention: which backups to keep, chain-aware (<see cref="RetentionPlanner"/>), and removing the rest.</summary>
internal sealed class RetentionService(BackupCatalog catalog, BackupInventory inventory, RetentionRules rules, int retentionDays, TimeProvider time, ILogger logger)
{
    /// <summary>Plans retention and, unless <paramref name="dryRun"/>, deletes what it does not keep; see <see cref="BackupService.CleanupOldBackupsAsync"/>.</summary>
    public async Task<RetentionPlan> CleanupAsync(bool dryRun, IReadOnlyDictionary<string, int>? retentionDaysBySchedule, CancellationToken cancellationToken)
    {
        var all = await catalog.ListAllAsync(null, cancellationToken).ConfigureAwait(false);
        int DaysFor(BackupManifest b) => b.ScheduleId is { } schedule && retentionDaysBySchedule?.TryGetValue(schedule, out var days) == true ? days : retentionDays;
        var plan = RetentionPlanner.Plan(all, rules, DaysFor, time.GetUtcNow());
        if (dryRun)
        {
            return plan with { DryRun = true };
        }
        foreach (var decision in plan.Deleted)
        {
            // Without cascade: the plan deletes incrementals before their full backups and keeps every
            // chain a kept backup needs, so a refusal here would be a planning error to stop at.
            await inventory.DeleteAsync(decision.Backup.Id, cascade: false, cancellationToken).ConfigureAwait(false);
            Log.RetentionDeleted(logger, decision.Backup.Id, decision.Reason);
        }
        var orphans = await catalog.DeleteOrphansAsync(rules.OrphanGrace, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return plan with { OrphanedObjects = orphans };
    }
}
