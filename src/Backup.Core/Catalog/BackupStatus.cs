namespace Backup.Core.Catalog;

/// <summary>How a backup ended.</summary>
public enum BackupStatus
{
    /// <summary>Its data and manifest are stored; it can be restored.</summary>
    Completed,

    /// <summary>It failed or was cancelled; only this record is kept, no data.</summary>
    Failed,
}
