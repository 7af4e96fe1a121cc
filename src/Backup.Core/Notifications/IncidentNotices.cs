using Backup.Core.Drills;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Backup.Core.Notifications;

/// <summary>The incidents raised outside a backup run: a broken chain, a drill's outcome, the health verdict.</summary>
internal static class IncidentNotices
{
    /// <summary>
    /// A slot was dropped (over its lag limit, or a schema change) and the chain of <paramref name="fullId"/> is broken: once per chain.
    /// Without a full backup of it the chain is known by <paramref name="slot"/> alone, so each such chain still gets its own incident.
    /// </summary>
    public static void ChainBroken(this BackupNotifications notifications, string? fullId, string? slot, string reason)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (fullId is not null)
        {
            details["fullBackupId"] = fullId;
        }
        if (slot is not null)
        {
            details["slot"] = slot;
        }
        var chain = fullId is not null ? fullId : $"slot:{slot ?? "unknown"}";
        var which = fullId is not null ? $"full backup {fullId}" : $"replication slot {slot ?? "(unknown)"} (no full backup of it was found)";
        notifications.Raise(
            BackupNotificationKind.ChainBroken, $"{BackupNotification.KindName(BackupNotificationKind.ChainBroken)}:{chain}", "broken",
            "Change-capture chain broken",
            $"The chain of {which} is broken: {reason}. Incrementals of it are refused; the next full backup starts a new chain.",
            fullId, details);
    }

    /// <summary>A drill finished: a failure raises <c>drill-failed</c> (a host drills its one database), a success resolves it.</summary>
    public static void DrillFinished(this BackupNotifications notifications, DrillRecord record)
    {
        var key = BackupNotification.KindName(BackupNotificationKind.DrillFailed);
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["drillId"] = record.Id };
        if (record.Success)
        {
            notifications.Resolve(BackupNotificationKind.DrillFailed, key, "Restore drill succeeded again", $"Drill {record.Id} recovered the backups in {record.TotalSeconds:0.0} s.", null, details);
        }
        else
        {
            notifications.Raise(BackupNotificationKind.DrillFailed, key, "failed", "Restore drill failed", $"Drill {record.Id} failed: {record.Error}. The backups may not restore; look at the drill record.", null, details);
        }
    }

    /// <summary>
    /// The health check gave <paramref name="status"/>: a change from healthy opens the <c>health</c>
    /// incident, a change of its state (degraded, unhealthy) is sent again, healthy resolves it.
    /// </summary>
    public static void HealthObserved(this BackupNotifications notifications, HealthStatus status, string? description)
    {
        var key = BackupNotification.KindName(BackupNotificationKind.HealthChanged);
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = status.ToString() };
        if (status == HealthStatus.Healthy)
        {
            notifications.Resolve(BackupNotificationKind.HealthChanged, key, "Backups are healthy again", description ?? "The backup health check is healthy.", null, details);
        }
        else
        {
            notifications.Raise(BackupNotificationKind.HealthChanged, key, status.ToString(), $"Backups are {status.ToString().ToLowerInvariant()}", description ?? $"The backup health check is {status}.", null, details);
        }
    }
}
