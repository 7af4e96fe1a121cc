using Microsoft.Extensions.Logging;

namespace Backup.Core;

/// <summary>Every log message of Backup.Core, with stable event ids. Never logs secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Dumping {Database} with pg_dump {ToolVersion} (server {ServerVersion})")]
    public static partial void DumpStarting(ILogger logger, string database, string toolVersion, string serverVersion);

    [LoggerMessage(1002, LogLevel.Information, "Restored into database {Database}")]
    public static partial void RestoreFinished(ILogger logger, string database);

    [LoggerMessage(1003, LogLevel.Warning, "Restore into {Database} failed ({Reason}); dropping the partially restored database")]
    public static partial void RestoreFailedDroppingTarget(ILogger logger, string database, string reason);

    [LoggerMessage(1010, LogLevel.Information, "Backup {BackupId} ({Type} of {Database}) starting")]
    public static partial void BackupStarting(ILogger logger, string backupId, string type, string database);

    [LoggerMessage(1011, LogLevel.Information, "Backup {BackupId} completed, stored in {Store} as {Key}: {RawSize} read, {StoredSize} stored, in {Seconds:0.0} s ({Rate})")]
    public static partial void BackupCompleted(ILogger logger, string backupId, string store, string key, string rawSize, string storedSize, double seconds, string rate);

    [LoggerMessage(1012, LogLevel.Error, "Backup {BackupId} failed: {Reason}")]
    public static partial void BackupFailed(ILogger logger, string backupId, string reason);

    [LoggerMessage(1013, LogLevel.Warning, "The failure record of backup {BackupId} could not be stored: {Reason}")]
    public static partial void FailureRecordNotStored(ILogger logger, string backupId, string reason);

    [LoggerMessage(1014, LogLevel.Information, "Restoring backup {BackupId} into database {Database}")]
    public static partial void RestoreStarting(ILogger logger, string backupId, string database);

    [LoggerMessage(1015, LogLevel.Information, "Backup {BackupId} deleted")]
    public static partial void BackupDeleted(ILogger logger, string backupId);

    [LoggerMessage(1016, LogLevel.Warning, "The replication slot {Slot} of a failed full backup could not be dropped ({Reason}); drop it by hand (SELECT pg_drop_replication_slot('{Slot}')), it holds WAL on the server")]
    public static partial void SlotNotDropped(ILogger logger, string slot, string reason);

    [LoggerMessage(1020, LogLevel.Information, "Replaying {Transactions} transaction(s) one statement at a time: their net effect could not be applied as a set ({Reason})")]
    public static partial void ReplayGroupFallback(ILogger logger, int transactions, string reason);

    [LoggerMessage(1021, LogLevel.Warning, "Replaying into {Database} without the privilege to set session_replication_role: the target's triggers fire and foreign keys are checked for every replayed change (replay as a superuser, or rds_superuser on RDS, to avoid duplicate trigger effects)")]
    public static partial void ReplayTriggersActive(ILogger logger, string database);

    [LoggerMessage(1022, LogLevel.Warning, "A table changed since full backup {ChainId} ({Reason}); taking a full backup to start a new chain (NewChainOnSchemaChange)")]
    public static partial void NewChainAfterSchemaChange(ILogger logger, string chainId, string reason);

    [LoggerMessage(1023, LogLevel.Warning, "Timestamp-mode incremental: these tables have no '{Column}' column or no primary key and are not covered: {Tables}")]
    public static partial void TimestampTablesNotCovered(ILogger logger, string column, string tables);

    [LoggerMessage(1024, LogLevel.Critical, "Change-capture chain {ChainId} is BROKEN: {Reason}. Point-in-time recovery still reaches its last incremental; take a full backup now to start a new chain")]
    public static partial void ChainBroken(ILogger logger, string chainId, string reason);

    [LoggerMessage(1025, LogLevel.Error, "Checking change-capture slot lag failed: {Reason}")]
    public static partial void SlotLagCheckFailed(ILogger logger, string reason);

    [LoggerMessage(1026, LogLevel.Error, "Full backup {BackupId}: the database is backed up but its files (IncludeFiles) are NOT: {Reason}")]
    public static partial void IncludedFilesFailed(ILogger logger, string backupId, string reason);

    [LoggerMessage(1027, LogLevel.Information, "Backup {BackupId} copied to the store '{Store}'")]
    public static partial void BackupCopied(ILogger logger, string backupId, string store);

    [LoggerMessage(1028, LogLevel.Error, "Backup {BackupId} is complete in the primary store but its copy to '{Store}' FAILED: {Reason}")]
    public static partial void BackupCopyFailed(ILogger logger, string backupId, string store, string reason);

    [LoggerMessage(1029, LogLevel.Information, "Retention deleted backup {BackupId}: {Reason}")]
    public static partial void RetentionDeleted(ILogger logger, string backupId, string reason);

    [LoggerMessage(1101, LogLevel.Information, "Schedule {ScheduleId}: running the backup due at {Occurrence:u}")]
    public static partial void ScheduleRunStarting(ILogger logger, string scheduleId, DateTimeOffset occurrence);

    [LoggerMessage(1102, LogLevel.Error, "Schedule {ScheduleId}: the run failed: {Reason}")]
    public static partial void ScheduleRunFailed(ILogger logger, string scheduleId, string reason);

    [LoggerMessage(1103, LogLevel.Warning, "Schedule {ScheduleId}: the run due at {Occurrence:u} was skipped, the previous run is still going")]
    public static partial void ScheduleSkippedOverlap(ILogger logger, string scheduleId, DateTimeOffset occurrence);

    [LoggerMessage(1104, LogLevel.Information, "Schedule {ScheduleId}: catching up the run due at {Occurrence:u}, missed while no host ran")]
    public static partial void ScheduleCatchingUp(ILogger logger, string scheduleId, DateTimeOffset occurrence);

    [LoggerMessage(1105, LogLevel.Warning, "Schedule {ScheduleId}: the run due at {Occurrence:u} was missed while no host ran and is older than the catch-up grace ({Grace}); skipped")]
    public static partial void ScheduleMissed(ILogger logger, string scheduleId, DateTimeOffset occurrence, TimeSpan grace);

    [LoggerMessage(1106, LogLevel.Debug, "Schedule {ScheduleId}: the run due at {Occurrence:u} is being made by another replica")]
    public static partial void ScheduleRunningElsewhere(ILogger logger, string scheduleId, DateTimeOffset occurrence);

    [LoggerMessage(1107, LogLevel.Debug, "Schedule {ScheduleId}: the run due at {Occurrence:u} was already made (another replica)")]
    public static partial void ScheduleAlreadyRun(ILogger logger, string scheduleId, DateTimeOffset occurrence);

    [LoggerMessage(1108, LogLevel.Information, "Stopping: waiting up to {Timeout} for {Count} running scheduled backup(s)")]
    public static partial void ScheduleWaitingForRuns(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(1109, LogLevel.Warning, "Stopping: scheduled backups still running after the shutdown timeout are cancelled (they leave nothing behind)")]
    public static partial void ScheduleCancellingRuns(ILogger logger);

    [LoggerMessage(1280, LogLevel.Information, "Restore into {Database}: created the missing role(s) {Roles} from the backup (no passwords)")]
    public static partial void RolesCreated(ILogger logger, string database, string roles);

    [LoggerMessage(1220, LogLevel.Warning, "Recovery could not refresh the materialized view {View} ({Reason}): it stays as pg_restore computed it from the full backup")]
    public static partial void MaterializedViewNotRefreshed(ILogger logger, string view, string reason);

    [LoggerMessage(1360, LogLevel.Warning, "Dropping the replication slot {Slot}: it is named for this store but no backup of the store uses it (left by a backup that did not finish); it held {RetainedBytes} bytes of WAL")]
    public static partial void OrphanSlotDropped(ILogger logger, string slot, long retainedBytes);

    [LoggerMessage(1361, LogLevel.Information, "Removed {Count} staging file(s) left by interrupted uploads under {Root}")]
    public static partial void StagingFilesRemoved(ILogger logger, int count, string root);

    [LoggerMessage(1362, LogLevel.Information, "Schedule {ScheduleId} was {Change} by another replica: this one follows the stored definition")]
    public static partial void ScheduleChangedElsewhere(ILogger logger, string scheduleId, string change);

    [LoggerMessage(1500, LogLevel.Debug, "Slot {Slot}: heartbeat moved its confirmed position to {Lsn} (no change was waiting before it)")]
    public static partial void SlotHeartbeatAdvanced(ILogger logger, string slot, string lsn);

    [LoggerMessage(1501, LogLevel.Error, "The change-capture slot heartbeat failed: {Reason}")]
    public static partial void SlotHeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(1400, LogLevel.Error, "Backup {BackupId} is stored and complete, but {Handler} failed after it: {Reason}")]
    public static partial void AfterStoredHandlerFailed(ILogger logger, string backupId, string handler, string reason);

    [LoggerMessage(1480, LogLevel.Information, "Restore drill {DrillId}: recovering into the scratch database {Database} (to {At:u}; the latest state when empty)")]
    public static partial void DrillStarting(ILogger logger, string drillId, string database, DateTimeOffset? at);

    [LoggerMessage(1481, LogLevel.Information, "Restore drill {DrillId} succeeded: recovered in {Seconds:F1} s, {Bytes} bytes, {MegabytesPerSecond:F1} MB/s")]
    public static partial void DrillSucceeded(ILogger logger, string drillId, double seconds, long bytes, double megabytesPerSecond);

    [LoggerMessage(1482, LogLevel.Error, "Restore drill {DrillId} failed: {Reason}. The backups it used may not restore: verify them (deep) and take a new full backup")]
    public static partial void DrillFailed(ILogger logger, string drillId, string reason);

    [LoggerMessage(1483, LogLevel.Error, "The restore drill's scratch database {Database} could not be dropped ({Reason}): drop it by hand")]
    public static partial void DrillScratchNotDropped(ILogger logger, string database, string reason);

    [LoggerMessage(1484, LogLevel.Information, "Restore drill {DrillId} was cancelled: its scratch database is dropped and nothing is recorded")]
    public static partial void DrillCancelled(ILogger logger, string drillId);

    [LoggerMessage(1485, LogLevel.Information, "Restore drill {DrillId}: the scratch database is on {Server} (Backup:Drills:TargetConnectionString), not on the backed-up server")]
    public static partial void DrillOnTargetServer(ILogger logger, string drillId, string server);

    [LoggerMessage(1530, LogLevel.Information, "Compaction of chain {ChainId}: {Merged} change-capture incremental(s) merged into {Written}; the chain's incrementals are now {ObjectsAfter} stored objects (were {ObjectsBefore})")]
    public static partial void ChainCompacted(ILogger logger, string chainId, int merged, int written, int objectsBefore, int objectsAfter);

    [LoggerMessage(1531, LogLevel.Warning, "Compaction of {Count} incrementals {FirstId} .. {LastId} of chain {ChainId} failed: {Reason}. Nothing merged is left behind and the incrementals are kept as they were; the next compaction run tries again (verify them if this repeats)")]
    public static partial void CompactionGroupFailed(ILogger logger, int count, string firstId, string lastId, string chainId, string reason);

    [LoggerMessage(1532, LogLevel.Information, "Compaction of chain {ChainId}: deleted {Count} incremental(s) an interrupted compaction had already merged")]
    public static partial void CompactionLeftoversDeleted(ILogger logger, string chainId, int count);

    [LoggerMessage(1533, LogLevel.Warning, "Compaction of chain {ChainId}: {Count} incremental(s) already merged into {MergedInto} could not be deleted ({Reason}). Recovery follows the merged segment and skips them; the next compaction run deletes them")]
    public static partial void CompactionSourcesKept(ILogger logger, string chainId, string mergedInto, int count, string reason);

    [LoggerMessage(1560, LogLevel.Information, "Pre-migration backup {BackupId} ({Kind}) of {Database} before migration {MigrationId}: recovers to {At:O}")]
    public static partial void PreMigrationBackupTaken(ILogger logger, string backupId, string kind, string database, string migrationId, DateTimeOffset at);

    [LoggerMessage(1561, LogLevel.Information, "Before migration {MigrationId}: continuous capture's chain {ChainId} marked at {At:O}")]
    public static partial void PreMigrationMarked(ILogger logger, string migrationId, string chainId, DateTimeOffset at);

    [LoggerMessage(1562, LogLevel.Warning, "Before migration {MigrationId}: the change-capture chain cannot go on ({Reason}); a full backup starts a new one")]
    public static partial void PreMigrationChainEnded(ILogger logger, string migrationId, string reason);

    [LoggerMessage(1563, LogLevel.Information, "Recovering {Database} to just before migration {MigrationId}: {At:O} (recorded with backup {BackupId})")]
    public static partial void RecoveringBeforeMigration(ILogger logger, string database, string migrationId, DateTimeOffset at, string backupId);

    [LoggerMessage(1600, LogLevel.Information, "Notification {Event} for incident {Incident} sent by {Notifier}")]
    public static partial void NotificationSent(ILogger logger, string @event, string incident, string notifier);

    [LoggerMessage(1601, LogLevel.Warning, "Notification {Event} for incident {Incident} could not be sent by {Notifier}: {Reason}. The backup is not affected")]
    public static partial void NotificationFailed(ILogger logger, string @event, string incident, string notifier, string reason);

    [LoggerMessage(1602, LogLevel.Debug, "Incident {Incident} is still open: repeat not sent")]
    public static partial void NotificationSuppressed(ILogger logger, string incident);

    [LoggerMessage(1603, LogLevel.Warning, "Webhook to {Host}: attempt {Attempt} failed ({Reason}); retrying in {DelaySeconds:0.0} s")]
    public static partial void WebhookRetrying(ILogger logger, string host, int attempt, string reason, double delaySeconds);

    [LoggerMessage(1604, LogLevel.Warning, "{Count} notification(s) were not sent before shutdown (the senders did not finish within {Seconds:0} s)")]
    public static partial void NotificationsLeftAtShutdown(ILogger logger, int count, double seconds);

    [LoggerMessage(1605, LogLevel.Warning, "The health verdict could not be turned into a notification: {Reason}")]
    public static partial void HealthNotificationFailed(ILogger logger, string reason);

    [LoggerMessage(1606, LogLevel.Warning, "Notification queue full ({Capacity} waiting, the senders are slow or stuck): dropped the oldest, {Event} for incident {Incident}")]
    public static partial void NotificationDropped(ILogger logger, int capacity, string @event, string incident);
    [LoggerMessage(1620, LogLevel.Information, "Restoring the tables {Tables} as of {At:O} into {Target}")]
    public static partial void TableRestoreStarting(ILogger logger, string tables, DateTimeOffset at, string target);

    [LoggerMessage(1621, LogLevel.Information, "Restored {Count} table(s) into {Target}, as of the commit at {Reached:O}")]
    public static partial void TableRestoreFinished(ILogger logger, int count, string target, DateTimeOffset reached);

    [LoggerMessage(1622, LogLevel.Warning, "The scratch database {Database} of a table restore could not be dropped; drop it by hand: {Reason}")]
    public static partial void ScratchDatabaseNotDropped(ILogger logger, string database, string reason);

    [LoggerMessage(1660, LogLevel.Warning, "Refused to delete backup {BackupId}: {Count} backup(s) depend on it (delete with cascade to delete them too)")]
    public static partial void DeleteRefusedDependents(ILogger logger, string backupId, int count);

    [LoggerMessage(1661, LogLevel.Information, "Deleted backup {BackupId}, which depended on {DeletedBase} (cascade)")]
    public static partial void DependentDeleted(ILogger logger, string backupId, string deletedBase);

    [LoggerMessage(1662, LogLevel.Warning, "Operation {OperationId} ({Kind}) was marked abandoned: its owner {Owner} has not written it since {Heartbeat:O}")]
    public static partial void OperationAbandoned(ILogger logger, string operationId, string kind, string owner, DateTimeOffset heartbeat);

    [LoggerMessage(1664, LogLevel.Information, "Deleted {Count} expired operation record(s)")]
    public static partial void OperationRecordsExpired(ILogger logger, int count);

    [LoggerMessage(1700, LogLevel.Information, "Restore into {Target}: left out {Count} archive entries of the source's change capture (publication, event triggers, schema backup_core); the restored database gets its own with its first full backup as a source")]
    public static partial void CaptureObjectsLeftOut(ILogger logger, string target, int count);
}
