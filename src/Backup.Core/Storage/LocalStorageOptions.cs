namespace Backup.Core.Storage;

/// <summary>Options of the local file-system store.</summary>
public sealed class LocalStorageOptions
{
    /// <summary>The environment variable that sets <see cref="RootPath"/>.</summary>
    public const string RootPathVariable = "BACKUP_DIR";

    /// <summary>The directory that holds the backups. Default: BACKUP_DIR, else <c>./backups</c>.</summary>
    public string RootPath { get; set; } = "./backups";

    /// <summary>Flush every object to the disk before it becomes visible (default true). Only tests turn this off.</summary>
    public bool FlushToDisk { get; set; } = true;
}
