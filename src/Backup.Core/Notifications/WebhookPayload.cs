using System.Text;
using System.Text.Json;

namespace Backup.Core.Notifications;

/// <summary>The body of a webhook message in either shape. Built from the notification alone, so no option (the secret) can reach it.</summary>
internal static class WebhookPayload
{
    public static byte[] Create(BackupNotification notification, WebhookFormat format) => format switch
    {
        WebhookFormat.Slack => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["text"] = Text(notification) }),
        _ => Json(notification),
    };

    /// <summary>The one-message text of chat and mail: a status tag, the title, the message.</summary>
    public static string Text(BackupNotification notification)
    {
        var text = new StringBuilder();
        text.Append(notification.Resolved ? "[RESOLVED] " : "[FAILING] ").Append(notification.Title).Append('\n').Append(notification.Message);
        if (notification.Resolved && notification.SuppressedRepeats > 0)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" ({notification.SuppressedRepeats} repeat(s) were not announced.)");
        }
        return text.ToString();
    }

    private static byte[] Json(BackupNotification n)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", n.EventName);
            json.WriteString("kind", BackupNotification.KindName(n.Kind));
            json.WriteString("status", n.Resolved ? "resolved" : "failing");
            json.WriteString("incident", n.IncidentKey);
            json.WriteString("title", n.Title);
            json.WriteString("message", n.Message);
            json.WriteString("occurredAt", n.OccurredAt);
            if (n.BackupId is { } id)
            {
                json.WriteString("backupId", id);
            }
            json.WriteNumber("suppressedRepeats", n.SuppressedRepeats);
            json.WriteStartObject("details");
            foreach (var (key, value) in n.Details)
            {
                json.WriteString(key, value);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
