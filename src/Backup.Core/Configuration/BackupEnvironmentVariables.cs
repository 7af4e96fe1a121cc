namespace Backup.Core.Configuration;

/// <summary>The environment variables Backup.Core reads, and where it reads them from.</summary>
public static class BackupEnvironmentVariables
{
    /// <summary>Root directory of the local store.</summary>
    public const string BackupDir = "BACKUP_DIR";

    /// <summary>Days backups are kept.</summary>
    public const string RetentionDays = "BACKUP_RETENTION_DAYS";

    /// <summary>Largest stored size of one backup, in MB.</summary>
    public const string MaxBackupSizeMb = "MAX_BACKUP_SIZE_MB";

    /// <summary>The database, as a postgresql:// URL or an Npgsql connection string.</summary>
    public const string DatabaseUrl = "DATABASE_URL";

    /// <summary>A JSON array of schedules.</summary>
    public const string Schedules = "BACKUP_SCHEDULES";

    /// <summary>The master key: base64 of 32 bytes, or a passphrase of 16+ characters.</summary>
    public const string EncryptionKey = "BACKUP_ENCRYPTION_KEY";

    /// <summary>true/false: whether new backups are encrypted.</summary>
    public const string EncryptionEnabled = "BACKUP_ENCRYPTION_ENABLED";

    /// <summary>true/false: whether reading refuses clear objects and unauthenticated manifests (default: true with a key).</summary>
    public const string EncryptionRequired = "BACKUP_ENCRYPTION_REQUIRED";

    /// <summary>The webhook notifications are POSTed to (http/https); may hold a token, never logged beyond its host.</summary>
    public const string WebhookUrl = "BACKUP_WEBHOOK_URL";

    /// <summary>The HMAC-SHA256 key of the webhook's X-Backup-Signature header (16+ characters).</summary>
    public const string WebhookSecret = "BACKUP_WEBHOOK_SECRET";

    /// <summary>json (default) or slack: the webhook body's shape.</summary>
    public const string WebhookPayloadFormat = "BACKUP_WEBHOOK_FORMAT";
}
