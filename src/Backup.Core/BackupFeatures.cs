using Backup.Core.Abstractions;
using Backup.Core.Backups;
using Backup.Core.Catalog;
using Backup.Core.Compaction;
using Backup.Core.Configuration;
using Backup.Core.Copies;
using Backup.Core.Database;
using Backup.Core.Drills;
using Backup.Core.Engine;
using Backup.Core.Files;
using Backup.Core.Incrementals;
using Backup.Core.Migrations;
using Backup.Core.Monitoring;
using Backup.Core.Notifications;
using Backup.Core.Pipeline;
using Backup.Core.Recovery;
using Backup.Core.Retention;
using Backup.Core.Runs;
using Backup.Core.Slots;
using Backup.Core.Status;
using Microsoft.Extensions.Logging;

namespace Backup.Core;

/// <summary>
/// The feature services <see cref="BackupService"/> delegates to, composed once: each gets only
/// what it uses. The one place that wires them, for the container and for the public constructor alike.
/// </summary>
internal sealed class BackupFeatures
{
    public required BackupInventory Inventory { get; init; }

    public required FullBackups FullBackups { get; init; }

    public required DatabaseRestores Restores { get; init; }

    public required IncrementalBackups Incrementals { get; init; }

    public required PointInTimeRecovery Recovery { get; init; }

    public required FileBackups Files { get; init; }

    public required Verification.BackupVerifier Verifier { get; init; }

    public required RetentionService Retention { get; init; }

    public required SlotGuard SlotGuard { get; init; }

    public required SlotHeartbeats SlotHeartbeats { get; init; }

    public required BackupStatusReader Status { get; init; }

    public required BackupCatalog Catalog { get; init; }

    public required RestoreDrills Drills { get; init; }

    /// <summary>What continuous capture knows about itself (it runs as a hosted service, <see cref="Continuous.ContinuousCapture"/>).</summary>
    public required Continuous.CaptureState Capture { get; init; }

    public required SegmentCompaction Compaction { get; init; }

    /// <summary>Where incidents are raised and resolved (a no-op without notifiers).</summary>
    public required BackupNotifications Notifications { get; init; }

    /// <summary>The pre-migration hook and recovery to just before a migration.</summary>
    public required MigrationBackups Migrations { get; init; }

    /// <summary>Chosen tables restored as of a moment beside the live ones, compared with them and copied back.</summary>
    public required TableRestores.TableRestoreService TableRestores { get; init; }

    /// <summary>Restored copies compared with the live tables, and the copy-back.</summary>
    public required TableRestores.RestoredTableComparer TableComparer { get; init; }

    /// <summary>Composes the features over one store (the pipeline's) and, when configured, one database.</summary>
    /// <param name="pipeline">Moves data between the engine and the store.</param>
    /// <param name="catalog">The catalog of the pipeline's store.</param>
    /// <param name="engine">The database, or null when none is configured (file backups only).</param>
    /// <param name="options">MAX_BACKUP_SIZE_MB and BACKUP_RETENTION_DAYS.</param>
    /// <param name="retention">Keep-last/daily/weekly/monthly rules.</param>
    /// <param name="metrics">Where backups are counted; none when null.</param>
    /// <param name="copyTo">A second store every stored backup is copied to, with its name; none when null.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where the features log.</param>
    /// <param name="drills">The restore drills' checks; none when null.</param>
    /// <param name="drillTarget">
    /// The server restore drills restore on, with its <c>host:port</c> for the records, when it is
    /// not the backed-up one (<see cref="RestoreDrillsOptions.TargetConnectionString"/>); its engine
    /// must name the backed-up database, whose chains the drills recover.
    /// </param>
    /// <param name="notifications">Where failed backups and copies, broken chains and drills are told; nowhere when null.</param>
    public static BackupFeatures Create(
        BackupPipeline pipeline, BackupCatalog catalog, IDatabaseEngine? engine, BackupOptions options, RetentionRules retention,
        BackupMetrics? metrics, (string Name, IStorageProvider Store)? copyTo, TimeProvider time, ILogger logger, RestoreDrillsOptions? drills = null,
        (IDatabaseEngine Engine, string Server)? drillTarget = null, BackupNotifications? notifications = null)
    {
        notifications ??= BackupNotifications.None(time, logger);
        ArgumentNullException.ThrowIfNull(pipeline);
        if (!ReferenceEquals(catalog.Storage, pipeline.Storage))
        {
            throw new ArgumentException("The catalog must be of the pipeline's store.", nameof(catalog));
        }
        var running = new ActiveBackups();
        if (metrics is not null && !ReferenceEquals(metrics.Catalog, catalog))
        {
            throw new ArgumentException("The metrics must show the catalog the backups are saved through.", nameof(metrics));
        }
        var metricsHandler = metrics is null ? null : new MetricsHandler(metrics);
        var runNotifications = notifications.Enabled ? new RunNotifications(notifications, copyTo?.Name) : null;
        IBackupStoredHandler?[] stored =
        [
            metricsHandler,
            copyTo is { } copy ? new OffsiteCopyHandler(copy.Name, copy.Store, catalog, time, logger) : null,
            // After the copy: it reads the failed copy the copy handler notes in the manifest.
            runNotifications,
        ];
        IBackupFailedHandler?[] failed = [metricsHandler, runNotifications];
        var recorder = new BackupRecorder(pipeline, catalog, running, options.MaxBackupSizeMb * 1024 * 1024, [.. stored.OfType<IBackupStoredHandler>()], [.. failed.OfType<IBackupFailedHandler>()], time, logger);
        var slotGuard = new SlotGuard(engine, catalog, time, logger, notifications.ChainBroken);
        var roles = new RolesObject(pipeline);
        var files = new FileBackups(recorder, pipeline, catalog);
        var fullBackups = new FullBackups(recorder, engine, engine, slotGuard, roles, files, logger);
        var inventory = new BackupInventory(catalog, pipeline, engine, engine, time, logger);
        var capture = new Continuous.CaptureState(time, logger);
        metrics?.ShowCapture(capture);
        var recovery = new PointInTimeRecovery(catalog, pipeline, engine, engine, roles, files, time, logger);
        var incrementals = new IncrementalBackups(recorder, catalog, engine, slotGuard, new TimestampSegments(logger), fullBackups, capture, time, logger);
        // Drills on another server recover through the same code, only restoring and replaying there.
        var drillEngine = drillTarget?.Engine ?? engine;
        var drillRecovery = drillTarget is { } other ? new PointInTimeRecovery(catalog, pipeline, other.Engine, other.Engine, roles, files, time, logger) : recovery;
        return new BackupFeatures
        {
            Catalog = catalog,
            Inventory = inventory,
            FullBackups = fullBackups,
            Restores = new DatabaseRestores(catalog, pipeline, engine, roles, files, time, logger),
            Incrementals = incrementals,
            Recovery = recovery,
            Files = files,
            Verifier = new Verification.BackupVerifier(catalog, pipeline, engine, roles, files),
            Retention = new RetentionService(catalog, inventory, retention, options.RetentionDays, time, logger),
            SlotGuard = slotGuard,
            SlotHeartbeats = new SlotHeartbeats(slotGuard, catalog, logger),
            Status = new BackupStatusReader(catalog, running, slotGuard, metrics, capture),
            Capture = capture,
            Drills = new RestoreDrills(catalog, drillRecovery, drillEngine, drillEngine, drills ?? new RestoreDrillsOptions(), metrics, time, logger, drillTarget?.Server, notifications.DrillFinished),
            Compaction = new SegmentCompaction(catalog, pipeline, time, logger),
            Notifications = notifications,
            Migrations = new MigrationBackups(catalog, engine, fullBackups, incrementals, recovery, capture, time, logger),
            TableRestores = new TableRestores.TableRestoreService(catalog, pipeline, engine, engine, engine as ISchemaCopier, time, logger),
            TableComparer = new TableRestores.RestoredTableComparer(engine as ISchemaCopier),
        };
    }
}
