namespace Backup.Notifications.Smtp;

/// <summary>The environment variables of the SMTP sender; configuration and code override them.</summary>
public static class SmtpEnvironmentVariables
{
    /// <summary>The SMTP server.</summary>
    public const string Host = "BACKUP_SMTP_HOST";

    /// <summary>Its port.</summary>
    public const string Port = "BACKUP_SMTP_PORT";

    /// <summary>The login.</summary>
    public const string User = "BACKUP_SMTP_USER";

    /// <summary>The password.</summary>
    public const string Password = "BACKUP_SMTP_PASSWORD";

    /// <summary>The sender address.</summary>
    public const string From = "BACKUP_SMTP_FROM";

    /// <summary>The recipients, comma-separated.</summary>
    public const string To = "BACKUP_SMTP_TO";

    /// <summary>auto, starttls, sslonconnect or none.</summary>
    public const string Tls = "BACKUP_SMTP_TLS";
}
