namespace Backup.Core.Notifications;

/// <summary>The body a webhook receives.</summary>
public enum WebhookFormat
{
    /// <summary>The notification as JSON (event, incident, title, message, time, backup id, details).</summary>
    Json,

    /// <summary><c>{"text": "..."}</c>: what Slack's (and Mattermost's, Rocket.Chat's) incoming webhooks accept.</summary>
    Slack,
}
