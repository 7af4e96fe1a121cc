using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Compaction;
using Backup.Core.Configuration;
using Backup.Core.Drills;
using Backup.Core.Files;
using Backup.Core.Monitoring;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Postgres;
using Backup.Core.Retention;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Core;

/// <summary>
/// The facade a host calls: full and incremental backups, file backups, restores, point-in-time
/// recovery, listing, verification, retention, status and download. Each operation is one of the
/// feature services' (database backups, incrementals, recovery, files, retention, slot guard,
/// status), composed once by <see cref="BackupFeatures"/>.
/// </summary>
public sealed class BackupService
{
    private readonly BackupFeatures _features;

    /// <summary>Creates the service over one store and, optionally, one database; without copies, metrics or retention rules beyond the days of <paramref name="options"/>.</summary>
    /// <param name="pipeline">Moves data between the engine and the store.</param>
    /// <param name="engine">The database engine, or null when no database is configured (file backups only).</param>
    /// <param name="options">MAX_BACKUP_SIZE_MB and BACKUP_RETENTION_DAYS; the defaults when null.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="logger">Where to log; nowhere when null.</param>
    /// <remarks>Internal: its parameters are machinery. Hosts compose the service with <c>AddBackupSystem</c>.</remarks>
    internal BackupService(BackupPipeline pipeline, PostgresBackupEngine? engine, BackupOptions? options = null, TimeProvider? time = null, ILogger<BackupService>? logger = null)
        : this(BackupFeatures.Create(
            pipeline, new BackupCatalog((pipeline ?? throw new ArgumentNullException(nameof(pipeline))).Storage), engine, options ?? new BackupOptions(), new RetentionRules(),
            metrics: null, copyTo: null, time ?? TimeProvider.System, logger ?? NullLogger<BackupService>.Instance))
    {
    }

    /// <summary>The service over composed features (the container composes them from the options).</summary>
    internal BackupService(BackupFeatures features) => _features = features;

    /// <summary>The catalog of the store this service writes to.</summary>
    /// <remarks>Internal: a caller could delete around the slot and chain rules; the public operations keep them.</remarks>
    internal BackupCatalog Catalog => _features.Catalog;

    /// <summary>Where incidents are told, for the health check's verdict changes.</summary>
    internal Notifications.BackupNotifications Notifications => _features.Notifications;

    /// <summary>The restore drills, for the health check's look at the newest ones.</summary>
    internal RestoreDrills Drills => _features.Drills;

    /// <summary>
    /// Takes a full backup of the database: pg_dump on an exported snapshot, compressed, encrypted
    /// and stored; the manifest (with exact row counts) is written last. On failure or
    /// cancellation nothing restorable is left: a failed-backup record is written instead.
    /// </summary>
    /// <exception cref="BackupInProgressException">Another backup of this database is running and <see cref="FullBackupOptions.WaitIfBusy"/> is false.</exception>
    /// <exception cref="BackupSizeLimitExceededException">The backup grew past MAX_BACKUP_SIZE_MB.</exception>
    public Task<BackupManifest> CreateFullBackupAsync(FullBackupOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.FullBackups.CreateAsync(options, progress, cancellationToken);

    /// <summary>
    /// Restores a full backup, by default into a new database. Checks every tag and hash on the
    /// way (and, with <see cref="RestoreOptions.VerifyBeforeRestore"/>, before starting); a restore
    /// that fails removes the database it created. Row counts are compared with the manifest.
    /// </summary>
    public Task<RestoreResult> RestoreFromBackupAsync(string id, RestoreOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.Restores.RestoreAsync(id, options, progress, cancellationToken);

    /// <summary>Backups in the store matching <paramref name="query"/>, newest first.</summary>
    public Task<IReadOnlyList<BackupManifest>> ListBackupsAsync(BackupQuery? query = null, CancellationToken cancellationToken = default) =>
        _features.Inventory.ListAsync(query, cancellationToken);

    /// <summary>The manifest of one backup.</summary>
    /// <exception cref="InvalidBackupIdException">The id is malformed.</exception>
    /// <exception cref="BackupNotFoundException">No backup has that id.</exception>
    public Task<BackupManifest> GetBackupAsync(string id, CancellationToken cancellationToken = default) => _features.Inventory.GetAsync(id, cancellationToken);

    /// <summary>Deletes a backup (manifest, then data); refused when other backups depend on it (see the overload with cascade).</summary>
    /// <exception cref="BackupNotFoundException">No backup has that id.</exception>
    /// <exception cref="BackupHasDependentsException">Incrementals or segments depend on it; nothing was deleted.</exception>
#pragma warning disable RS0026 // See the overload with cascade.
    public Task<BackupManifest> DeleteBackupAsync(string id, CancellationToken cancellationToken = default) => _features.Inventory.DeleteAsync(id, cascade: false, cancellationToken);
#pragma warning restore RS0026

    /// <summary>
    /// Deletes a backup (manifest, then data). With <paramref name="cascade"/> the backups that depend
    /// on it (the incrementals and continuous segments of a full backup's chain, later incrementals
    /// of an incremental) are deleted first, newest first; without it such a backup is refused.
    /// </summary>
    /// <exception cref="BackupNotFoundException">No backup has that id.</exception>
    /// <exception cref="BackupHasDependentsException">Others depend on it and <paramref name="cascade"/> is false; nothing was deleted.</exception>
#pragma warning disable RS0026 // cascade has no default, so no call binds to both overloads: DeleteBackupAsync(id) and (id, ct) keep meaning refuse.
    public Task<BackupManifest> DeleteBackupAsync(string id, bool cascade, CancellationToken cancellationToken = default) => _features.Inventory.DeleteAsync(id, cascade, cancellationToken);
#pragma warning restore RS0026

    /// <summary>
    /// Checks a backup: the stored bytes' SHA-256, every encryption tag, the plain bytes' SHA-256,
    /// and that pg_restore accepts the archive. <paramref name="deep"/> also restores it into a
    /// scratch database, compares every table's row count with the manifest, and drops it.
    /// </summary>
    public Task<VerifyResult> VerifyBackupAsync(string id, bool deep = false, CancellationToken cancellationToken = default) =>
        _features.Verifier.VerifyAsync(id, deep, cancellationToken);

    /// <summary>The latest completed backup, counts, what is running now, and this store's change-capture slots with the WAL they hold (a slot over the lag limit is dropped first).</summary>
    public Task<BackupSystemStatus> GetBackupStatusAsync(CancellationToken cancellationToken = default) => _features.Status.GetStatusAsync(cancellationToken);

    /// <summary>Continuous capture in this process: the recovery point and its lag, segments stored, the spool, and the faults that last.</summary>
    public Continuous.ContinuousCaptureStatus GetContinuousCaptureStatus() => _features.Capture.Snapshot();

    /// <summary>Success rate, sizes, storage used, counts per type, average and p95 duration, last success per type.</summary>
    public Task<BackupAnalytics> GetBackupAnalyticsAsync(CancellationToken cancellationToken = default) => _features.Status.GetAnalyticsAsync(cancellationToken);

    /// <summary>
    /// Opens the plain content of a completed backup, decrypted and decompressed: for a full
    /// backup the pg_dump custom-format archive that pg_restore reads, for a file backup its tar
    /// archive, for an incremental its change segment. The stream fails with
    /// <see cref="BackupIntegrityException"/> instead of ending if any check fails.
    /// </summary>
    public Task<Stream> OpenBackupContentAsync(string id, CancellationToken cancellationToken = default) => _features.Inventory.OpenContentAsync(id, cancellationToken);

    /// <summary>
    /// Deletes data objects no completed manifest claims (left by crashes or cancelled backups)
    /// once they are older than <paramref name="grace"/> (default one hour), and a local store's
    /// staging files (of puts a crash interrupted) once they have not been written for as long.
    /// </summary>
    /// <returns>The keys of the data objects deleted.</returns>
    public Task<IReadOnlyList<string>> CleanupIncompleteBackupsAsync(TimeSpan? grace = null, CancellationToken cancellationToken = default) =>
        _features.Inventory.CleanupIncompleteAsync(grace, cancellationToken);

    /// <summary>
    /// Continues the newest chain with an incremental backup. With change capture
    /// (<see cref="PostgresOptions.ChangeCapture"/>): every transaction committed since the chain's
    /// previous backup up to the moment of this call; the slot moves forward only after the
    /// backup's manifest is stored, so a failed attempt loses nothing and the next one captures
    /// the same changes again. Without it (timestamp mode): every row whose
    /// <see cref="PostgresOptions.TimestampColumn"/> is at or after <see cref="IncrementalBackupOptions.Since"/>
    /// — deletes are not captured in this mode, and the manifest says so.
    /// </summary>
    /// <exception cref="ArgumentException">An option does not apply to this mode; the message names it.</exception>
    /// <exception cref="BackupException">The chain is broken (its slot was dropped or is missing; a missing slot marks it so): take a full backup.</exception>
    /// <exception cref="SchemaChangedException">A table changed since the chain's full backup (unless <see cref="PostgresOptions.NewChainOnSchemaChange"/> is on, which takes a full backup instead).</exception>
    public Task<BackupManifest> CreateIncrementalBackupAsync(IncrementalBackupOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.Incrementals.CreateAsync(options, progress, cancellationToken);

    /// <summary>
    /// Recovers the database as it was at <paramref name="target"/>: restores the newest full
    /// backup whose chain covers it into a new database, then replays the chain's transactions
    /// committed at or before the target, each whole. The result says the time actually reached.
    /// </summary>
    /// <exception cref="BackupException">The target is outside every recoverable window; the message names the windows.</exception>
    public Task<PointInTimeResult> PointInTimeRecoveryAsync(DateTimeOffset target, PointInTimeOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.Recovery.RecoverAsync(target, options, progress, cancellationToken);

    /// <summary>
    /// Records the moment just before a schema migration, named by its id, so that
    /// <see cref="RecoverBeforeMigrationAsync"/> can return to it: an incremental backup when the
    /// database has a change-capture chain; a mark on the chain when continuous capture records it
    /// (returned once capture has stored every commit up to it); otherwise a full backup. The id is
    /// stored in the backup's manifest (<c>before-migration</c>). Call it again with the same id
    /// (a migration retried) and the newer point wins.
    /// </summary>
    /// <param name="migrationId">The migration about to be applied: non-empty, printable, at most 200 characters.</param>
    /// <param name="cancellationToken">Cancels the backup.</param>
    /// <exception cref="ArgumentException">The id is empty, too long or holds control characters.</exception>
    public Task<PreMigrationBackup> BackupBeforeMigrationAsync(string migrationId, CancellationToken cancellationToken = default) =>
        _features.Migrations.BackupBeforeAsync(migrationId, cancellationToken);

    /// <summary>
    /// Recovers the database as it was just before the migration <paramref name="migrationId"/>,
    /// at the point <see cref="BackupBeforeMigrationAsync"/> recorded for it (the newest, when
    /// recorded twice), into a new database as <see cref="PointInTimeRecoveryAsync"/> does.
    /// </summary>
    /// <exception cref="UnknownMigrationException">No pre-migration point is recorded for the id; the message lists those that are.</exception>
    public Task<PointInTimeResult> RecoverBeforeMigrationAsync(string migrationId, PointInTimeOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.Migrations.RecoverBeforeAsync(migrationId, options, progress, cancellationToken);

    /// <summary>
    /// Restores <paramref name="tables"/> (<c>schema.table</c>) as they were at <paramref name="at"/> (the latest
    /// moment the backups hold when null) into a new schema of the live database (default
    /// <c>restored_&lt;UTC yyyyMMdd_HHmmss&gt;</c>) or into a new database, without touching the live tables or
    /// locking them: only those tables' rows are restored from the chain's full backup and only their
    /// changes replayed, in a scratch database. The copies keep keys, indexes, constraints, owned sequences
    /// and the foreign keys among them, and have no triggers.
    /// </summary>
    /// <exception cref="BackupException">The moment is outside every recoverable window, the target schema or database exists, a schema change in the window touched chosen and other tables, or one renamed or moved a chosen table (or its schema).</exception>
    /// <exception cref="UnknownTableException">A name is no table of the full backup.</exception>
    /// <exception cref="ArgumentException">No table, an invalid schema or database name, or both targets given.</exception>
    public Task<TableRestoreResult> RestoreTablesAsync(
        IReadOnlyList<string> tables, DateTimeOffset? at, TableRestoreOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.TableRestores.RestoreAsync(tables, at, options, progress, cancellationToken);

    /// <summary>
    /// Compares the copies of <paramref name="restored"/> (restored into a schema of the live database) with the live
    /// tables by primary key, and writes (does not run) the SQL that copies the restored rows back.
    /// </summary>
    public Task<TableRestoreComparison> CompareRestoredTablesAsync(TableRestoreResult restored, CancellationToken cancellationToken = default) =>
        _features.TableComparer.CompareAsync(restored, cancellationToken);

    /// <summary>
    /// Copies the restored rows of the tables of <paramref name="comparison"/> that have something to copy back, in one
    /// transaction of the live database: missing rows inserted and changed rows set to the restored values, referenced
    /// tables first; rows written since are kept. The statements are built again from the two tables each entry names
    /// (its <see cref="TableComparison.Sql"/> is for people to read and is never run). The live tables' triggers fire;
    /// sequences are not changed. Returns the rows written per table.
    /// </summary>
    /// <exception cref="BackupException">An entry does not name a live table and its copy (same name, another schema), or one is missing.</exception>
    public Task<IReadOnlyDictionary<string, long>> ApplyRestoredTablesAsync(TableRestoreComparison comparison, CancellationToken cancellationToken = default) =>
        _features.TableComparer.ApplyAsync(comparison, cancellationToken);

    /// <summary>Recovers the latest state the backups hold: the newest chain's full backup and all its incrementals.</summary>
    public Task<PointInTimeResult> RestoreLatestAsync(PointInTimeOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.Recovery.RecoverAsync(null, options, progress, cancellationToken);

    /// <summary>
    /// Backs up directories as a PAX tar stream (relative paths per directory, modes, mtimes,
    /// owners, empty directories, symbolic links as links) through the pipeline. Files that
    /// cannot be read, vanish or change while read are listed in the manifest's
    /// <see cref="FileBackupDetails.Warnings"/> (or, with <see cref="FileBackupOptions.Strict"/>, fail it).
    /// </summary>
    /// <param name="name">A name for the backup, kept in the manifest (e.g. <c>uploads</c>).</param>
    /// <param name="options">The directories and patterns.</param>
    /// <param name="progress">Receives bytes read.</param>
    /// <param name="cancellationToken">Cancels the backup; nothing is left in the store.</param>
    /// <exception cref="ArgumentException">No directory, a directory that does not exist, or an empty pattern.</exception>
    public Task<BackupManifest> CreateFileBackupAsync(string name, FileBackupOptions options, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _features.Files.CreateAsync(name, options, progress, cancellationToken);

    /// <summary>
    /// Restores a file backup into a directory. Entries that would land outside it are refused
    /// with <see cref="UnsafeArchiveEntryException"/> (or skipped, with
    /// <see cref="FileRestoreOptions.SkipUnsafeEntries"/>); nothing is ever written outside it.
    /// Contents are staged in a hidden directory inside the target and moved into place only after
    /// every hash and tag has been checked, so a damaged archive (<see cref="BackupIntegrityException"/>)
    /// leaves the target as it was. Setuid and setgid bits are cleared unless
    /// <see cref="FileRestoreOptions.PreserveOwnership"/> restores the owner.
    /// </summary>
    public Task<FileRestoreResult> RestoreFilesAsync(string id, FileRestoreOptions options, CancellationToken cancellationToken = default) =>
        _features.Files.RestoreAsync(id, options, cancellationToken);

    /// <summary>
    /// Applies retention (BACKUP_RETENTION_DAYS, per-schedule retentionDays, keep-last / daily /
    /// weekly / monthly) without ever breaking a chain a kept backup needs, and removes data
    /// objects that have no manifest and are older than <see cref="RetentionRules.OrphanGrace"/>.
    /// With <paramref name="dryRun"/> nothing is deleted: the plan says what would be.
    /// </summary>
    /// <param name="dryRun">Only compute the plan.</param>
    /// <param name="retentionDaysBySchedule">Schedules' own retentionDays, by schedule id; their backups are kept that long.</param>
    /// <param name="cancellationToken">Stops between deletions; what was deleted stays deleted, in a safe order.</param>
    public Task<RetentionPlan> CleanupOldBackupsAsync(bool dryRun = false, IReadOnlyDictionary<string, int>? retentionDaysBySchedule = null, CancellationToken cancellationToken = default) =>
        _features.Retention.CleanupAsync(dryRun, retentionDaysBySchedule, cancellationToken);

    /// <summary>
    /// Drops every chain slot holding more WAL than <see cref="PostgresOptions.MaxSlotLagMegabytes"/>
    /// and marks its chain broken in the full backup's manifest. Returns the slots dropped. Does
    /// nothing without change capture or a limit.
    /// </summary>
    public Task<IReadOnlyList<string>> EnforceSlotLagLimitAsync(CancellationToken cancellationToken = default) => _features.SlotGuard.EnforceLagLimitAsync(cancellationToken);

    /// <summary>
    /// Runs a restore drill: recovers the newest backups (the latest state, as <see cref="RestoreLatestAsync"/>
    /// does, or <see cref="DrillOptions.At"/>) into a scratch database <c>backup_drill_&lt;UTC time&gt;_&lt;random&gt;</c>
    /// on the database's server, checks the full backup's row counts against its manifest, runs the
    /// checks of <see cref="RestoreDrillsOptions.Checks"/>, drops the scratch database whatever
    /// happened, and records the outcome with the measured recovery time in the store
    /// (<see cref="ListDrillsAsync"/>). A failing drill is not an exception: the returned record
    /// says why it failed. A cancelled drill drops its scratch database and records nothing.
    /// </summary>
    public Task<DrillRecord> RunRestoreDrillAsync(DrillOptions? options = null, CancellationToken cancellationToken = default) =>
        _features.Drills.RunAsync(options, cancellationToken);

    /// <summary>
    /// Merges each chain's change-capture incrementals completed more than
    /// <see cref="SegmentCompactionOptions.CompactAfter"/> ago into one per hour of their first
    /// commit (split at <see cref="SegmentCompactionOptions.MaxMergedBytes"/>), so the store holds
    /// a few objects an hour instead of one per segment. Each merged segment is written and
    /// verified before its sources are deleted; recovery to any moment gives the same state
    /// before, after, and at any point of an interrupted run, whose leftovers the next run
    /// deletes. Timestamp-mode incrementals are never merged. A group that fails is logged and
    /// kept as it was.
    /// </summary>
    public Task<SegmentCompactionResult> CompactSegmentsAsync(SegmentCompactionOptions? options = null, CancellationToken cancellationToken = default) =>
        _features.Compaction.CompactAsync(options ?? new SegmentCompactionOptions(), cancellationToken);

    /// <summary>The recorded restore drills, newest first; at most <paramref name="limit"/> when given.</summary>
    public Task<IReadOnlyList<DrillRecord>> ListDrillsAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        _features.Drills.ListAsync(limit, cancellationToken);

    /// <summary>
    /// Restore drills over time: success rate, and each successful drill's recovery time per GB
    /// and MB/s (oldest first) with their median and the latest. Reads the newest
    /// <paramref name="limit"/> drills (100 when null) that started at or after <paramref name="since"/>.
    /// </summary>
    public Task<DrillAnalytics> GetDrillAnalyticsAsync(int? limit = null, DateTimeOffset? since = null, CancellationToken cancellationToken = default) =>
        _features.Drills.AnalyticsAsync(limit, since, cancellationToken);

    /// <summary>
    /// Writes a heartbeat on the database and moves each of this store's chain slots past it when no
    /// unacknowledged change comes before it (see <see cref="PostgresOptions.HeartbeatInterval"/>).
    /// Returns the slots moved. Does nothing without change capture.
    /// </summary>
    public Task<IReadOnlyList<string>> SendSlotHeartbeatsAsync(CancellationToken cancellationToken = default) => _features.SlotHeartbeats.SendAsync(cancellationToken);
}
