namespace Backup.Core.Notifications;

/// <summary>
/// Sends one notification somewhere (a webhook, e-mail, a chat). Called once per incident and once
/// when it resolves: deduplication happens before a notifier is asked. A notifier that throws is
/// logged and never fails the backup that raised the notification.
/// </summary>
public interface IBackupNotifier
{
    /// <summary>A short name for logs (e.g. "webhook", "smtp"); never a URL or an address that could hold a secret.</summary>
    string Name { get; }

    /// <summary>Sends <paramref name="notification"/>.</summary>
    Task NotifyAsync(BackupNotification notification, CancellationToken cancellationToken = default);
}
