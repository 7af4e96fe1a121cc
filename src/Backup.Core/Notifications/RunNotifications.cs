using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Runs;

namespace Backup.Core.Notifications;

/// <summary>
/// The backup runs' seam into notifications: a failed backup raises <c>backup-failed:TYPE/SCHEDULE</c>,
/// the next stored backup of the same type and schedule resolves it; a copy to the second store noted
/// as failed in the manifest raises <c>copy-failed:STORE</c>, the next good copy resolves it. Runs
/// after the copy handler, so it sees the manifest the copy left.
/// </summary>
internal sealed class RunNotifications(BackupNotifications notifications, string? copyStore) : IBackupFailedHandler, IBackupStoredHandler
{
    /// <inheritdoc />
    public void OnFailed(BackupManifest failed)
    {
        var (key, what) = Incident(failed);
        notifications.Raise(
            BackupNotificationKind.BackupFailed, key, "failed",
            $"Backup failed: {what}",
            $"Backup {failed.Id} ({what}) failed: {failed.Error}. Further failures of {what} are not announced until one succeeds.",
            failed.Id, Details(failed));
    }

    /// <inheritdoc />
    public Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var (key, what) = Incident(manifest);
        notifications.Resolve(
            BackupNotificationKind.BackupFailed, key,
            $"Backup succeeded again: {what}",
            $"Backup {manifest.Id} ({what}) succeeded after failures.",
            manifest.Id, Details(manifest));
        if (copyStore is { } store)
        {
            var copyKey = $"{BackupNotification.KindName(BackupNotificationKind.CopyFailed)}:{store}";
            var details = new Dictionary<string, string>(Details(manifest), StringComparer.Ordinal) { ["store"] = store };
            if (manifest.Properties.TryGetValue(ManifestProperties.CopyFailedPrefix + store, out var reason))
            {
                notifications.Raise(
                    BackupNotificationKind.CopyFailed, copyKey, "failed",
                    $"Copy to the second store '{store}' failed",
                    $"Backup {manifest.Id} is stored, but its copy to '{store}' {reason}. The backup is marked in its manifest; copy it again once the store is back.",
                    manifest.Id, details);
            }
            else
            {
                notifications.Resolve(
                    BackupNotificationKind.CopyFailed, copyKey,
                    $"Copy to the second store '{store}' works again",
                    $"Backup {manifest.Id} was copied to '{store}'.",
                    manifest.Id, details);
            }
        }
        return Task.FromResult(manifest);
    }

    private static (string Key, string What) Incident(BackupManifest manifest)
    {
        var type = manifest.Type switch
        {
            BackupType.Full => "full",
            BackupType.Incremental => "incremental",
            _ => "files",
        };
        var schedule = manifest.ScheduleId ?? "manual";
        var what = manifest.ScheduleId is null ? $"{type} backup" : $"{type} backup of schedule '{schedule}'";
        return ($"{BackupNotification.KindName(BackupNotificationKind.BackupFailed)}:{type}/{schedule}", what);
    }

    private static Dictionary<string, string> Details(BackupManifest manifest)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["type"] = manifest.Type.ToString() };
        if (manifest.Database is { } database)
        {
            details["database"] = database;
        }
        if (manifest.ScheduleId is { } schedule)
        {
            details["schedule"] = schedule;
        }
        return details;
    }
}
