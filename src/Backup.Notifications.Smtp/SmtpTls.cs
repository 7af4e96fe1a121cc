namespace Backup.Notifications.Smtp;

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpTls
{
    /// <summary>
    /// TLS on connect for port 465, STARTTLS otherwise: required when a <see cref="SmtpNotificationOptions.UserName"/>
    /// is set (the password never travels in clear), used when the server offers it for a server without login.
    /// </summary>
    Auto,

    /// <summary>STARTTLS, required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS (a relay on localhost only: the password would travel in clear).</summary>
    None,
}
