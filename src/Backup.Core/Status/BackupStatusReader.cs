using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Monitoring;
using Backup.Core.Operations;
using Backup.Core.Runs;
using Backup.Core.Slots;

namespace Backup.Core.Status;

/// <summary>Status and analytics over the catalog, the running backups and this store's slots.</summary>
internal sealed class BackupStatusReader(BackupCatalog catalog, ActiveBackups running, SlotGuard slotGuard, BackupMetrics? metrics, Continuous.CaptureState capture)
{
    /// <summary>The status; see <see cref="BackupService.GetBackupStatusAsync"/>.</summary>
    public async Task<BackupSystemStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SlotStatus> slots = [];
        var all = await catalog.ListAllAsync(null, cancellationToken).ConfigureAwait(false);
        if (slotGuard.ChangeCaptureSlots is { } engine)
        {
            slots = await slotGuard.OwnSlotsAsync(engine, all, cancellationToken).ConfigureAwait(false);
            var dropped = await slotGuard.EnforceLagLimitAsync(engine, slots, all, cancellationToken).ConfigureAwait(false);
            if (dropped.Count > 0)
            {
                slots = [.. slots.Where(s => !dropped.Contains(s.Name))];
                // The broken chains' full backups were just rewritten: report them as they are now.
                all = await catalog.ListAllAsync(null, cancellationToken).ConfigureAwait(false);
            }
        }
        metrics?.ShowSlots(slots);
        return new BackupSystemStatus
        {
            LatestBackup = all.FirstOrDefault(m => m.Status == BackupStatus.Completed),
            // Counted as the metric backup_total_backups counts them: completed, compacted sources once.
            TotalBackups = BackupAnalytics.Completed(all).Count,
            FailedBackups = all.Count(m => m.Status == BackupStatus.Failed),
            RunningBackups = running.Ids,
            FailedCopies = [.. all.Where(m => m.Properties.Any(p => p.Key.StartsWith(ManifestProperties.CopyFailedPrefix, StringComparison.Ordinal))).Select(m => m.Id)],
            Slots = slots,
            RecoverableUntil = all.FirstOrDefault(m => m is { Type: BackupType.Full, Status: BackupStatus.Completed })?.Database is { } database
                && Recovery.RecoveryPlanner.Chains(all, database) is { Count: > 0 } chains ? chains[^1].WindowEnd : null,
            ContinuousCapture = capture.Running ? capture.Snapshot() : null,
            DdlCapture = all.FirstOrDefault(m => m is { Type: BackupType.Full, Status: BackupStatus.Completed } && m.Properties.ContainsKey(ManifestProperties.Slot)) is { } chain
                ? chain.Properties.GetValueOrDefault(ManifestProperties.SchemaCapture) ?? "off: the chain was started by a version without schema change capture"
                : null,
        };
    }

    /// <summary>Success rate, sizes, storage used, counts per type, durations, last success per type.</summary>
    public async Task<BackupAnalytics> GetAnalyticsAsync(CancellationToken cancellationToken)
    {
        var all = await catalog.ListAllAsync(null, cancellationToken).ConfigureAwait(false);
        // Of the listing just made: the metrics' figures read zero while the catalog's index is incomplete.
        return BackupAnalytics.Of(all);
    }
}
