using Backup.Core.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Backup.Notifications.Smtp;

/// <summary>
/// Mails each notification: the subject is its status tag and title, the body its message, incident
/// and details. A connection per mail: notifications are rare, and a pooled connection would only time out.
/// </summary>
internal sealed class SmtpNotifier(IOptions<SmtpNotificationOptions> options) : IBackupNotifier
{
    public string Name => "smtp";

    public async Task NotifyAsync(BackupNotification notification, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From!));
        foreach (var to in o.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }
        message.Subject = $"{(notification.Resolved ? "[RESOLVED]" : "[FAILING]")} {notification.Title}";
        message.Headers.Add("X-Backup-Event", notification.EventName);
        message.Headers.Add("X-Backup-Incident", notification.IncidentKey);
        message.Body = new TextPart("plain") { Text = Body(notification) };

        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        await client.ConnectAsync(o.Host!, o.Port, Security(o), cancellationToken).ConfigureAwait(false);
        if (o.UserName is { } user)
        {
            await client.AuthenticateAsync(user, o.Password!, cancellationToken).ConfigureAwait(false);
        }
        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    private static string Body(BackupNotification n)
    {
        var lines = new List<string> { n.Message, "", $"Event: {n.EventName}", $"Incident: {n.IncidentKey}", $"At: {n.OccurredAt:u}" };
        if (n.BackupId is { } id)
        {
            lines.Add($"Backup: {id}");
        }
        if (n.Resolved && n.SuppressedRepeats > 0)
        {
            lines.Add($"Repeats not announced: {n.SuppressedRepeats}");
        }
        lines.AddRange(n.Details.Select(d => $"{d.Key}: {d.Value}"));
        return string.Join("\n", lines) + "\n";
    }

    private static SecureSocketOptions Security(SmtpNotificationOptions o) => o.Tls switch
    {
        SmtpTls.StartTls => SecureSocketOptions.StartTls,
        SmtpTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpTls.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.Auto,
    };
}
