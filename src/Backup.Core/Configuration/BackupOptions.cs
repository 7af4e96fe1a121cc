using Backup.Core.Abstractions;

namespace Backup.Core.Configuration;

/// <summary>
/// General settings. Sources, weakest first: defaults, the environment variables (<see cref="BackupEnvironmentVariables"/>), the
/// <c>Backup</c> configuration section, then code passed to <c>AddBackupSystem</c>.
/// </summary>
public sealed class BackupOptions
{
    /// <summary>The configuration section bound by default.</summary>
    public const string SectionName = "Backup";

    /// <summary>Days a backup is kept (BACKUP_RETENTION_DAYS); default 30.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Largest stored size of one backup in MB (MAX_BACKUP_SIZE_MB); no limit when null.</summary>
    public long? MaxBackupSizeMb { get; set; }

    /// <summary>The database (DATABASE_URL): a postgresql:// URL or an Npgsql connection string.</summary>
    public string? DatabaseUrl { get; set; }

    /// <summary>
    /// Whether a host that starts without a database (DATABASE_URL) stops at once, saying so (default
    /// true): a backup host without one would run, answer and schedule, and fail at the first backup.
    /// Set false for a host that only backs up files.
    /// </summary>
    public bool RequireDatabase { get; set; } = true;

    /// <summary>Schedules from configuration or BACKUP_SCHEDULES (a JSON array).</summary>
    public IList<BackupSchedule> Schedules { get; } = [];

    /// <summary>Values from the environment that could not be read; reported by validation with the variable's name.</summary>
    internal List<string> EnvironmentErrors { get; } = [];

    /// <summary>The named store every finished backup is copied to (<c>CopyFinishedBackupsTo</c>); none when null.</summary>
    public string? CopyTo { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"BackupOptions(RetentionDays={RetentionDays}, MaxBackupSizeMb={MaxBackupSizeMb}, DatabaseUrl={(DatabaseUrl is null ? "unset" : "set")}, Schedules={Schedules.Count})";
}
