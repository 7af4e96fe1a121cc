using Backup.Core.Catalog;

namespace Backup.Core.Operations;

/// <summary>The state of the backups, as the status call (<c>GET /api/v1/backup/status</c>) reports it.</summary>
public sealed record BackupSystemStatus
{
    /// <summary>The newest completed backup, if any.</summary>
    public BackupManifest? LatestBackup { get; init; }

    /// <summary>Completed backups in the store, compacted sources once: what the metric <c>backup_total_backups</c> shows (failed ones: <see cref="FailedBackups"/>).</summary>
    public int TotalBackups { get; init; }

    /// <summary>Failed backups recorded in the store.</summary>
    public int FailedBackups { get; init; }

    /// <summary>Whether a backup is running in this process.</summary>
    public bool BackupInProgress => RunningBackups.Count > 0;

    /// <summary>Ids of the backups running in this process.</summary>
    public IReadOnlyList<string> RunningBackups { get; init; } = [];

    /// <summary>The change-capture slots of this database and the WAL each holds back on the server (empty when change capture is off).</summary>
    public IReadOnlyList<SlotStatus> Slots { get; init; } = [];

    /// <summary>
    /// The latest moment the store can recover the newest full backup's database to: the end of its
    /// newest chain's window (its last incremental or continuous-capture segment). Null without a chain.
    /// </summary>
    public DateTimeOffset? RecoverableUntil { get; init; }

    /// <summary>
    /// Whether the newest change-capture chain records schema changes (so a migration does not end
    /// it): <c>on</c>, or <c>off: </c> and why (no right to create the event trigger, turned off by
    /// <c>Backup:Postgres:CaptureDdl</c>, or a chain older than the feature). Null without a chain.
    /// </summary>
    public string? DdlCapture { get; init; }

    /// <summary>Continuous capture in this process (recovery point, faults, spool); null when it is not enabled here.</summary>
    public Continuous.ContinuousCaptureStatus? ContinuousCapture { get; init; }

    /// <summary>Backups whose copy to the second store failed (their manifests say why, under <c>copy:NAME</c>).</summary>
    public IReadOnlyList<string> FailedCopies { get; init; } = [];
}

/// <summary>A change-capture replication slot.</summary>
/// <param name="Name">The slot's name (one per chain).</param>
/// <param name="RetainedWalBytes">WAL the server keeps for it: what the next incremental will read, and what fills the server's disk if none runs.</param>
/// <param name="Active">Whether a connection is reading from it now.</param>
public sealed record SlotStatus(string Name, long RetainedWalBytes, bool Active);
