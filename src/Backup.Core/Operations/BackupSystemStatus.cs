using Backup.Core.Catalog;

namespace Backup.Core.Operations;

/// <summary>The state of the backups, as the seed's status call reports it.</summary>
public sealed record BackupSystemStatus
{
    /// <summary>The newest completed backup, if any.</summary>
    public BackupManifest? LatestBackup { get; init; }

    /// <summary>Completed backups in the store.</summary>
    public int TotalBackups { get; init; }

    /// <summary>Failed backups recorded in the store.</summary>
    public int FailedBackups { get; init; }

    /// <summary>Whether a backup is running in this process.</summary>
    public bool BackupInProgress => RunningBackups.Count > 0;

    /// <summary>Ids of the backups running in this process.</summary>
    public IReadOnlyList<string> RunningBackups { get; init; } = [];
}
