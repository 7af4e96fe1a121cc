namespace Backup.Core.Notifications;

/// <summary>The webhook sender (<c>Backup:Notifications:Webhook</c>; BACKUP_WEBHOOK_URL, BACKUP_WEBHOOK_SECRET, BACKUP_WEBHOOK_FORMAT). Off while <see cref="Url"/> is unset.</summary>
public sealed class WebhookNotificationOptions
{
    /// <summary>Where to POST; http or https. It may hold a token: only its host is ever logged.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key of the <c>X-Backup-Signature</c> header (16+ characters). Required for the
    /// JSON format, so a receiver can tell these messages from anyone's; optional for Slack, which does not check it.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>The body's shape.</summary>
    public WebhookFormat Format { get; set; } = WebhookFormat.Json;

    /// <summary>Attempts in all, the first included, on 5xx, 408, 429, timeouts and connection errors (1-10).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The wait before the first retry; doubled for each next one, each wait at most 5 minutes.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest single wait between attempts, whatever the doubling reached.</summary>
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): doubled each time, capped.</summary>
    internal TimeSpan DelayAfter(int attempt)
    {
        var delay = RetryDelay;
        for (var i = 1; i < attempt && delay < MaxRetryDelay; i++)
        {
            delay *= 2;
        }
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    /// <summary>The longest one message can take: every attempt timing out plus every wait between them.</summary>
    internal TimeSpan WorstCase()
    {
        var total = Timeout * Math.Max(MaxAttempts, 1);
        for (var attempt = 1; attempt < MaxAttempts; attempt++)
        {
            total += DelayAfter(attempt);
        }
        return total;
    }
}
