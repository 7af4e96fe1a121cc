namespace Backup.Notifications.Smtp;

/// <summary>The SMTP sender (<c>Backup:Notifications:Smtp</c>; BACKUP_SMTP_*).</summary>
public sealed class SmtpNotificationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Backup:Notifications:Smtp";

    /// <summary>The SMTP server.</summary>
    public string? Host { get; set; }

    /// <summary>Its port: 587 (STARTTLS) by default.</summary>
    public int Port { get; set; } = 587;

    /// <summary>The login, when the server wants one.</summary>
    public string? UserName { get; set; }

    /// <summary>The password of <see cref="UserName"/>; never logged nor mailed.</summary>
    public string? Password { get; set; }

    /// <summary>The sender address.</summary>
    public string? From { get; set; }

    /// <summary>The recipients.</summary>
    public IList<string> To { get; set; } = [];

    /// <summary>How the connection is secured.</summary>
    public SmtpTls Tls { get; set; } = SmtpTls.Auto;

    /// <summary>How long sending one mail may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal List<string> EnvironmentErrors { get; } = [];
}
