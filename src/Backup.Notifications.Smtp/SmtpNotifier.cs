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
        var security = Security(o);
        try
        {
            await client.ConnectAsync(o.Host!, o.Port, security, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException) when (security == SecureSocketOptions.StartTls)
        {
            // MailKit's own message does not say why TLS was required; a stripped STARTTLS looks exactly like this.
            throw ClearTextRefused(o);
        }
        if (o.UserName is { } user)
        {
            // A second guard whatever the TLS setting resolved to: the password only travels encrypted unless Tls=None was chosen.
            if (!client.IsSecure && o.Tls != SmtpTls.None)
            {
                throw ClearTextRefused(o);
            }
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

    // Auto with a login must not fall back to clear text: MailKit's Auto uses STARTTLS only when the
    // server offers it, and an attacker on the path can strip that offer and read the password.
    private static SecureSocketOptions Security(SmtpNotificationOptions o) => o.Tls switch
    {
        SmtpTls.StartTls => SecureSocketOptions.StartTls,
        SmtpTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpTls.None => SecureSocketOptions.None,
        _ when o.UserName is not null => o.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.Auto,
    };

    // Names the server and the setting, never the login or the password.
    private static System.Security.Authentication.AuthenticationException ClearTextRefused(SmtpNotificationOptions o) => new(
        $"The SMTP server {o.Host}:{o.Port} did not secure the connection with TLS (no STARTTLS offered), so the login was not sent. " +
        "Fix the server's TLS, use port 465 with Tls=SslOnConnect, or set Tls=None explicitly for a relay on localhost.");
}
