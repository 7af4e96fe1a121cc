namespace Backup.Notifications.Smtp;

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpTls
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise.</summary>
    Auto,

    /// <summary>STARTTLS, required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS (a relay on localhost only: the password would travel in clear).</summary>
    None,
}
