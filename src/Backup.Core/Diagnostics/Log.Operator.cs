using Microsoft.Extensions.Logging;

namespace Backup.Core;

// What an operator follows in the host's log (#21): the start-up summary, progress of long work,
// and a line for everything refused or cancelled. Event ids 1680-1699.
internal static partial class Log
{
    [LoggerMessage(1680, LogLevel.Information, "Backup system: store {Store}; database {Database}; encryption {Encryption}; compression {Compression}; schedules {Schedules}; change capture {Capture}; retention {Retention}")]
    public static partial void StartupSummary(ILogger logger, string store, string database, string encryption, string compression, string schedules, string capture, string retention);

    [LoggerMessage(1681, LogLevel.Critical, "The backup system cannot start, so the host stops: {Reason}")]
    public static partial void CannotStart(ILogger logger, string reason);

    [LoggerMessage(1682, LogLevel.Information, "{Operation}: {Phase}")]
    public static partial void OperationPhase(ILogger logger, string operation, string phase);

    [LoggerMessage(1683, LogLevel.Information, "{Operation}: {Phase}, {Done} so far ({Rate})")]
    public static partial void OperationProgress(ILogger logger, string operation, string phase, string done, string rate);

    [LoggerMessage(1684, LogLevel.Warning, "Backup ({Type} of {Source}) refused: {Reason}")]
    public static partial void BackupRefused(ILogger logger, string type, string source, string reason);

    [LoggerMessage(1685, LogLevel.Warning, "Backup {BackupId} cancelled after {Seconds:0.0} s: nothing restorable is stored under its id (a failure record says 'cancelled')")]
    public static partial void BackupCancelled(ILogger logger, string backupId, double seconds);

    [LoggerMessage(1686, LogLevel.Warning, "Restore of backup {BackupId} refused: {Reason}")]
    public static partial void RestoreRefused(ILogger logger, string backupId, string reason);

    [LoggerMessage(1687, LogLevel.Warning, "Restore of backup {BackupId} cancelled: the database it was restoring into is dropped")]
    public static partial void RestoreCancelled(ILogger logger, string backupId);

    [LoggerMessage(1688, LogLevel.Error, "Restore of backup {BackupId} failed: {Reason}")]
    public static partial void RestoreFailed(ILogger logger, string backupId, string reason);

    [LoggerMessage(1689, LogLevel.Information, "Created the publication {Publication} (FOR ALL TABLES) for change capture")]
    public static partial void PublicationCreated(ILogger logger, string publication);

    [LoggerMessage(1690, LogLevel.Information, "Created the replication slot {Slot} for the chain of full backup {ChainId} at {Lsn}: it holds WAL on the server until the chain's incrementals read it (status shows how much)")]
    public static partial void SlotCreated(ILogger logger, string slot, string chainId, string lsn);

    [LoggerMessage(1692, LogLevel.Warning, "Point-in-time recovery of {Database} refused: {Reason}")]
    public static partial void RecoveryRefused(ILogger logger, string database, string reason);

    [LoggerMessage(1693, LogLevel.Warning, "Point-in-time recovery into {Database} cancelled")]
    public static partial void RecoveryCancelled(ILogger logger, string database);
}
