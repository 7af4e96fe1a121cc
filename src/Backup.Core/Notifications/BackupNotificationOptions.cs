namespace Backup.Core.Notifications;

/// <summary>Notifications (<c>Backup:Notifications</c>): the shipped webhook sender; others register an <see cref="IBackupNotifier"/>.</summary>
public sealed class BackupNotificationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Backup:Notifications";

    /// <summary>The webhook sender.</summary>
    public WebhookNotificationOptions Webhook { get; set; } = new();

    /// <summary>
    /// How long one notifier may take for one message (its retries included) before the dispatcher
    /// gives up on it, logs that, and goes on with the next: a stuck sender must not hold back the others.
    /// </summary>
    public TimeSpan NotifierTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long, at shutdown, queued messages may still take to send.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Values of environment variables that could not be read, reported by validation at start.</summary>
    internal List<string> EnvironmentErrors { get; } = [];
}
