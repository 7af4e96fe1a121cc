namespace Backup.Core.Notifications;

/// <summary>What kind of incident a notification is about.</summary>
public enum BackupNotificationKind
{
    /// <summary>A backup failed; resolved by the next successful backup of the same type and schedule.</summary>
    BackupFailed,

    /// <summary>A change-capture slot was dropped and its chain broken; never resolved (the next full backup starts a new chain).</summary>
    ChainBroken,

    /// <summary>A restore drill failed; resolved by the next successful drill.</summary>
    DrillFailed,

    /// <summary>The copy of a backup to the second store failed; resolved by the next successful copy.</summary>
    CopyFailed,

    /// <summary>The health check's verdict changed; resolved when it is healthy again.</summary>
    HealthChanged,
}
