using System.Collections.Concurrent;
using System.Reflection;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Postgres;
using Backup.Core.Replay;
using Microsoft.Extensions.Logging;

namespace Backup.Core;

/// <summary>
/// The facade a host calls (the seed's <c>backupService</c>): full backups, restores, listing,
/// verification, status and download. The one place that composes engine, pipeline and catalog.
/// </summary>
public sealed partial class BackupService
{
    private static readonly string LibraryVersion = typeof(BackupService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly BackupPipeline _pipeline;
    private readonly BackupCatalog _catalog;
    private readonly PostgresBackupEngine? _engine;
    private readonly long? _maxStoredBytes;
    private readonly TimeProvider _time;
    private readonly ILogger<BackupService> _logger;
    private readonly ConcurrentDictionary<string, BackupType> _running = new(StringComparer.Ordinal);
    private readonly (string Name, IStorageProvider Store)? _copyTo;
    private readonly int _retentionDays;
    private readonly Retention.RetentionRules _retention;
    private readonly Monitoring.BackupMetrics? _metrics;

    /// <summary>Creates the service.</summary>
    /// <param name="pipeline">Moves data between the engine and the store.</param>
    /// <param name="engine">The database engine, or null when no database is configured (file backups only).</param>
    /// <param name="maxStoredBytes">MAX_BACKUP_SIZE_MB in bytes, or null for no limit.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="copyTo">A second store every finished backup is copied to, with its name; none when null.</param>
    /// <param name="retentionDays">BACKUP_RETENTION_DAYS: how long backups are kept unless a rule or schedule says otherwise.</param>
    /// <param name="retention">Keep-last/daily/weekly/monthly rules.</param>
    /// <param name="metrics">Where finished backups are counted; none when null.</param>
    /// <param name="catalog">The catalog of the pipeline's store, with the keys for manifest details; one without keys when null.</param>
    public BackupService(
        BackupPipeline pipeline, PostgresBackupEngine? engine, long? maxStoredBytes, TimeProvider time, ILogger<BackupService> logger,
        (string Name, IStorageProvider Store)? copyTo = null, int retentionDays = 30, Retention.RetentionRules? retention = null, Monitoring.BackupMetrics? metrics = null,
        BackupCatalog? catalog = null)
    {
        _metrics = metrics;
        _retentionDays = retentionDays;
        _retention = retention ?? new Retention.RetentionRules();
        _copyTo = copyTo;
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        if (catalog is not null && !ReferenceEquals(catalog.Storage, pipeline.Storage))
        {
            throw new ArgumentException("The catalog must be of the pipeline's store.", nameof(catalog));
        }
        _catalog = catalog ?? new BackupCatalog(pipeline.Storage);
        _engine = engine;
        _maxStoredBytes = maxStoredBytes;
        _time = time ?? TimeProvider.System;
        _logger = logger;
    }

    /// <summary>The catalog of the store this service writes to.</summary>
    public BackupCatalog Catalog => _catalog;

    /// <summary>
    /// Takes a full backup of the database: pg_dump on an exported snapshot, compressed, encrypted
    /// and stored; the manifest (with exact row counts) is written last. On failure or
    /// cancellation nothing restorable is left: a failed-backup record is written instead.
    /// </summary>
    /// <exception cref="BackupInProgressException">Another backup of this database is running and <see cref="FullBackupOptions.WaitIfBusy"/> is false.</exception>
    /// <exception cref="BackupSizeLimitExceededException">The backup grew past MAX_BACKUP_SIZE_MB.</exception>
    public async Task<BackupManifest> CreateFullBackupAsync(FullBackupOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new FullBackupOptions();
        var engine = RequireEngine();
        var started = _time.GetUtcNow();
        var id = BackupId.New(started);
        _running[id] = BackupType.Full;
        EngineBackupResult? result = null;
        string? slot = null;
        var stored = false;
        // A chain's full backup holds the database's lock from before its slot is created until its
        // manifest is stored (or its slot dropped): another backup never sees a slot in between.
        IAsyncDisposable? held = null;
        try
        {
            var storeId = engine.ChangeCaptureEnabled ? await StoreIdAsync(cancellationToken).ConfigureAwait(false) : null;
            if (storeId is not null)
            {
                held = await engine.HoldBackupLockAsync(options.WaitIfBusy, cancellationToken).ConfigureAwait(false);
                await DropOrphanSlotsAsync(engine, storeId, cancellationToken).ConfigureAwait(false);
                slot = engine.SlotFor(id, storeId);
            }
            Log.BackupStarting(_logger, id, "full", engine.Connection.Database);
            var content = await _pipeline.WriteAsync(
                BackupCatalog.DataKey(BackupType.Full, id),
                async (stream, ct) =>
                {
                    var counted = new ProgressStream(stream, "dumping", progress);
                    var request = new EngineBackupRequest { Type = BackupType.Full, Schemas = options.Schemas, Tables = options.Tables, WaitIfBusy = options.WaitIfBusy, DatabaseLockHeld = held is not null };
                    result = engine.ChangeCaptureEnabled
                        ? await engine.BackupStartingChainAsync(request, id, storeId, counted, ct).ConfigureAwait(false)
                        : await engine.BackupAsync(request, counted, ct).ConfigureAwait(false);
                    counted.ReportDone();
                },
                new PipelineWriteOptions { Compress = options.Compress, Encrypt = options.Encrypt, MaxStoredBytes = _maxStoredBytes },
                cancellationToken).ConfigureAwait(false);

            var rolesContent = await StoreRolesAsync(id, result!.Roles, options, cancellationToken).ConfigureAwait(false);
            var (fileBackupId, properties) = await IncludeFilesAsync(id, options, result!.Properties, progress, cancellationToken).ConfigureAwait(false);
            progress?.Report(new BackupProgress("storing manifest", content.RawBytes));
            var manifest = new BackupManifest
            {
                Id = id,
                Type = BackupType.Full,
                FileBackupId = fileBackupId,
                Status = BackupStatus.Completed,
                Engine = engine.Name,
                Database = result!.Database,
                ServerVersion = result.ServerVersion,
                ToolVersion = result.ToolVersion,
                LibraryVersion = LibraryVersion,
                StartedAt = started,
                CompletedAt = _time.GetUtcNow(),
                TableRowCounts = result.TableRowCounts,
                Content = content,
                RolesContent = rolesContent,
                Schemas = options.Schemas,
                Tables = options.Tables,
                Comment = options.Comment,
                ScheduleId = options.ScheduleId,
                Properties = properties,
                // Every full backup starts a chain: of change-capture or of timestamp-mode incrementals.
                ChainId = id,
                StartLsn = result.Properties.GetValueOrDefault("startLsn"),
                EndLsn = result.Properties.GetValueOrDefault("startLsn"),
                SnapshotAt = result.Properties.TryGetValue(PostgresBackupEngine.SnapshotAtProperty, out var at) ? DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) : null,
            };
            await _catalog.SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
            stored = true;
            if (slot is not null)
            {
                // The new chain is stored: this store's older chains' slots would only hold WAL back now.
                var isOwn = await OwnSlotFilterAsync(engine, await FullBackupsAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await engine.DropOtherChainSlotsAsync(slot, isOwn, cancellationToken).ConfigureAwait(false);
            }
            Log.BackupCompleted(_logger, id, content.RawBytes, content.StoredBytes, manifest.Duration?.TotalSeconds ?? 0);
            return await FinishedAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        // A backup refused because another one runs is not a failed backup: nothing is recorded for it.
        catch (Exception ex) when (ex is not BackupInProgressException)
        {
            await RecordFailureAsync(id, BackupType.Full, engine.Connection.Database, started, options.Comment, options.ScheduleId, ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (slot is not null && !stored)
            {
                // Busy, failed or cancelled: a chain whose full backup was not stored must not hold WAL on the server.
                await engine.DropSlotQuietlyAsync(slot).ConfigureAwait(false);
            }
            if (held is not null)
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }
            _running.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Restores a full backup, by default into a new database. Checks every tag and hash on the
    /// way (and, with <see cref="RestoreOptions.VerifyBeforeRestore"/>, before starting); a restore
    /// that fails removes the database it created. Row counts are compared with the manifest.
    /// </summary>
    public async Task<RestoreResult> RestoreFromBackupAsync(string id, RestoreOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new RestoreOptions();
        var manifest = await GetRestorableAsync(id, cancellationToken).ConfigureAwait(false);
        var engine = RequireEngine();
        var started = _time.GetUtcNow();
        var target = options.TargetDatabase ?? $"{manifest.Database}_restored_{started.UtcDateTime:yyyyMMdd_HHmmss_fff}";
        DatabaseName.Validate(target, nameof(RestoreOptions.TargetDatabase));
        var targetExists = await engine.DatabaseExistsAsync(target, cancellationToken).ConfigureAwait(false);
        // Chosen tables are checked against the archive (and what they bring in and leave out is
        // worked out) before anything is created, and for a dry run too: a short read of the archive.
        var tablePlan = options.Tables.Count == 0
            ? null
            : await engine.PlanTableRestoreAsync(options.Tables, ct => _pipeline.OpenReadAsync(manifest.Content!, ct), cancellationToken).ConfigureAwait(false);
        var expected = tablePlan is null
            ? manifest.TableRowCounts
            : manifest.TableRowCounts.Where(t => tablePlan.TablesWithData.Contains(t.Key, StringComparer.Ordinal)).ToDictionary();
        var plan = RestorePlan(manifest, options, target, targetExists, tablePlan, expected);
        var planned = new RestoreResult
        {
            BackupId = manifest.Id,
            TargetDatabase = target,
            DryRun = options.DryRun,
            TargetExisted = targetExists,
            Plan = plan,
            RestoredTables = tablePlan?.Tables ?? [],
            BroughtIn = tablePlan?.BroughtIn ?? [],
            LeftOut = tablePlan?.LeftOut ?? [],
        };
        if (options.DryRun)
        {
            return planned;
        }
        if (targetExists && !options.DropExisting)
        {
            throw new BackupException($"The restore target database '{target}' already exists. Restore into a new database (the default), or set DropExisting to replace it.");
        }
        if (options.Files is not null && manifest.FileBackupId is null)
        {
            throw new BackupException($"The full backup {manifest.Id} was taken without files (IncludeFiles): there are none to restore with it. Restore a file backup with RestoreFilesAsync.");
        }
        if (options.VerifyBeforeRestore)
        {
            progress?.Report(new BackupProgress("verifying", 0));
            await _pipeline.VerifyAsync(manifest.Content!, cancellationToken).ConfigureAwait(false);
        }
        Log.RestoreStarting(_logger, manifest.Id, target);
        long bytes = 0;
        var roles = await ReadRolesAsync(manifest, options.NoOwner, cancellationToken).ConfigureAwait(false);
        var request = new EngineRestoreRequest
        {
            TargetDatabase = target,
            DropExisting = options.DropExisting,
            TerminateConnections = options.TerminateConnections,
            Tables = options.Tables,
            BackupProperties = manifest.Properties,
        };
        async Task<Stream> OpenWithProgressAsync(CancellationToken ct) =>
            new ProgressStream(await _pipeline.OpenReadAsync(manifest.Content!, ct).ConfigureAwait(false), "restoring", progress, done => bytes = done);
        var withRoles = WithRoles(request, manifest, roles, options.CreateMissingRoles, options.NoOwner);
        var createdRoles = tablePlan is null
            ? await engine.RestoreAsync(withRoles, OpenWithProgressAsync, cancellationToken).ConfigureAwait(false)
            : await engine.RestoreTablesAsync(withRoles, tablePlan, OpenWithProgressAsync, cancellationToken).ConfigureAwait(false);
        progress?.Report(new BackupProgress("counting rows", bytes));
        var restored = await engine.CountRowsAsync(target, cancellationToken).ConfigureAwait(false);
        var mismatches = Mismatches(expected, restored);
        if (mismatches.Count > 0)
        {
            // The counts were taken in the dump's own snapshot, so any difference means rows were
            // lost (or made up) on the way: a database that looks restored but is not must not be left behind.
            Log.RestoreFailedDroppingTarget(_logger, target, string.Join("; ", mismatches));
            await engine.DropDatabaseAsync(target, CancellationToken.None).ConfigureAwait(false);
            throw RowCountMismatchException.For(manifest.Id, target, mismatches);
        }
        return planned with
        {
            RestoredRowCounts = restored,
            RowCountMismatches = mismatches,
            Bytes = bytes,
            Duration = _time.GetUtcNow() - started,
            CreatedRoles = createdRoles,
            Files = options.Files is null ? null : await RestoreFilesAsync(manifest.FileBackupId!, options.Files, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Backups in the store matching <paramref name="query"/>, newest first.</summary>
    public async Task<IReadOnlyList<BackupManifest>> ListBackupsAsync(BackupQuery? query = null, CancellationToken cancellationToken = default)
    {
        var list = new List<BackupManifest>();
        await foreach (var manifest in _catalog.ListAsync(query, cancellationToken).ConfigureAwait(false))
        {
            list.Add(manifest);
        }
        return list;
    }

    /// <summary>The manifest of one backup.</summary>
    /// <exception cref="InvalidBackupIdException">The id is malformed.</exception>
    /// <exception cref="BackupNotFoundException">No backup has that id.</exception>
    public Task<BackupManifest> GetBackupAsync(string id, CancellationToken cancellationToken = default) => _catalog.GetAsync(id, cancellationToken);

    /// <summary>Deletes a backup (manifest, then data).</summary>
    /// <exception cref="BackupNotFoundException">No backup has that id.</exception>
    public async Task<BackupManifest> DeleteBackupAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await _catalog.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        if (deleted.Type == BackupType.Full && deleted.Properties.TryGetValue(PostgresBackupEngine.SlotProperty, out var slot) && _engine is { } engine)
        {
            // Without its full backup a chain cannot be recovered: its slot would only hold WAL back.
            await engine.Capture(slot).DropSlotAsync(cancellationToken).ConfigureAwait(false);
        }
        _metrics?.Forget(deleted.Id);
        Log.BackupDeleted(_logger, id);
        return deleted;
    }

    /// <summary>
    /// Checks a backup: the stored bytes' SHA-256, every encryption tag, the plain bytes' SHA-256,
    /// and that pg_restore accepts the archive. <paramref name="deep"/> also restores it into a
    /// scratch database, compares every table's row count with the manifest, and drops it.
    /// </summary>
    public async Task<VerifyResult> VerifyBackupAsync(string id, bool deep = false, CancellationToken cancellationToken = default)
    {
        switch ((await _catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails())
        {
            case { Type: BackupType.Incremental, Status: BackupStatus.Completed, Content: not null } incremental:
                return await VerifySegmentAsync(incremental, cancellationToken).ConfigureAwait(false);
            case { Type: BackupType.Files, Status: BackupStatus.Completed, Content: not null, Files: not null } files:
                return await VerifyFilesAsync(files, cancellationToken).ConfigureAwait(false);
        }
        var manifest = await GetRestorableAsync(id, cancellationToken).ConfigureAwait(false);
        var checks = new List<VerifyCheck>();
        var engine = RequireEngine();
        try
        {
            var stream = await _pipeline.OpenReadAsync(manifest.Content!, cancellationToken).ConfigureAwait(false);
            string toc;
            await using (stream.ConfigureAwait(false))
            {
                toc = await engine.ListArchiveAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            var content = manifest.Content!;
            checks.Add(new VerifyCheck("stored bytes", true, $"{content.StoredBytes:N0} bytes, SHA-256 {content.StoredSha256}"));
            if (content.IsEncrypted)
            {
                checks.Add(new VerifyCheck("encryption", true, $"every {content.EncryptionAlgorithm} frame authenticated with key '{content.EncryptionKeyId}'"));
            }
            checks.Add(new VerifyCheck("plain bytes", true, $"{content.RawBytes:N0} bytes, SHA-256 {content.PlainSha256}"));
            checks.Add(new VerifyCheck("archive", true, $"pg_restore lists {toc.Split('\n').Count(l => l.Length > 0 && !l.StartsWith(';'))} entries"));
            if (manifest.RolesContent is { } rolesContent)
            {
                var roles = await ReadRolesAsync(manifest, noOwner: false, cancellationToken).ConfigureAwait(false);
                checks.Add(new VerifyCheck("roles", true, $"'{rolesContent.Key}': {roles!.Count} role(s), every hash checked"));
            }
        }
        catch (Exception ex) when (ex is BackupIntegrityException or EncryptionKeyException or BackupDatabaseException)
        {
            checks.Add(new VerifyCheck("content", false, ex.Message));
            return new VerifyResult { BackupId = id, Deep = deep, Checks = checks };
        }
        if (deep)
        {
            checks.Add(await DeepVerifyAsync(manifest, engine, cancellationToken).ConfigureAwait(false));
        }
        return new VerifyResult { BackupId = id, Deep = deep, Checks = checks };
    }

    /// <summary>The latest completed backup, counts, what is running now, and this store's change-capture slots with the WAL they hold (a slot over the lag limit is dropped first).</summary>
    public async Task<BackupSystemStatus> GetBackupStatusAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<SlotStatus> slots = [];
        var all = await ListBackupsAsync(null, cancellationToken).ConfigureAwait(false);
        if (_engine is { ChangeCaptureEnabled: true } engine)
        {
            slots = await OwnSlotsAsync(engine, all, cancellationToken).ConfigureAwait(false);
            var dropped = await EnforceSlotLagLimitAsync(engine, slots, all, cancellationToken).ConfigureAwait(false);
            if (dropped.Count > 0)
            {
                slots = [.. slots.Where(s => !dropped.Contains(s.Name))];
                // The broken chains' full backups were just rewritten: report them as they are now.
                all = await ListBackupsAsync(null, cancellationToken).ConfigureAwait(false);
            }
        }
        _metrics?.Update(all, slots);
        return new BackupSystemStatus
        {
            LatestBackup = all.FirstOrDefault(m => m.Status == BackupStatus.Completed),
            TotalBackups = all.Count(m => m.Status == BackupStatus.Completed),
            FailedBackups = all.Count(m => m.Status == BackupStatus.Failed),
            RunningBackups = [.. _running.Keys],
            FailedCopies = [.. all.Where(m => m.Properties.Any(p => p.Key.StartsWith(CopyPropertyPrefix, StringComparison.Ordinal))).Select(m => m.Id)],
            Slots = slots,
        };
    }

    /// <summary>
    /// Opens the plain content of a completed backup, decrypted and decompressed: for a full
    /// backup the pg_dump custom-format archive that pg_restore reads, for a file backup its tar
    /// archive, for an incremental its change segment. The stream fails with
    /// <see cref="BackupIntegrityException"/> instead of ending if any check fails.
    /// </summary>
    public async Task<Stream> OpenBackupContentAsync(string id, CancellationToken cancellationToken = default)
    {
        var manifest = (await _catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails();
        if (manifest.Status != BackupStatus.Completed || manifest.Content is not { } content)
        {
            throw new BackupException($"The backup '{id}' did not complete ({manifest.Error ?? "no data"}); it has no content to read.");
        }
        return await _pipeline.OpenReadAsync(content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes data objects no completed manifest claims (left by crashes or cancelled backups)
    /// once they are older than <paramref name="grace"/> (default one hour), and a local store's
    /// staging files (of puts a crash interrupted) once they have not been written for as long.
    /// </summary>
    /// <returns>The keys of the data objects deleted.</returns>
    public Task<IReadOnlyList<string>> CleanupIncompleteBackupsAsync(TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (_pipeline.Storage is Storage.LocalStorageProvider local && local.RemoveStaleStagingFiles(grace ?? TimeSpan.FromHours(1), now) is > 0 and var staged)
        {
            Log.StagingFilesRemoved(_logger, staged, local.RootPath);
        }
        return _catalog.DeleteOrphansAsync(grace ?? TimeSpan.FromHours(1), now, cancellationToken);
    }

    // An incremental backup is checked by reading its change segment through: every record's
    // framing, the end record's totals against the manifest, then (at the end of the stream) the hashes.
    private async Task<VerifyResult> VerifySegmentAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var checks = new List<VerifyCheck>();
        try
        {
            var stream = await _pipeline.OpenReadAsync(manifest.Content!, cancellationToken).ConfigureAwait(false);
            EndItem? end = null;
            await using (stream.ConfigureAwait(false))
            {
                await foreach (var item in new ChangeSegmentReader(stream).ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    end = item as EndItem ?? end;
                }
            }
            var content = manifest.Content!;
            checks.Add(new VerifyCheck("stored bytes", true, $"{content.StoredBytes:N0} bytes, SHA-256 {content.StoredSha256}"));
            checks.Add(new VerifyCheck("plain bytes", true, $"{content.RawBytes:N0} bytes, SHA-256 {content.PlainSha256}"));
            var matches = end!.Transactions == manifest.TransactionCount && end.Changes == manifest.ChangeCount;
            checks.Add(new VerifyCheck("change segment", matches, $"{end.Transactions:N0} transactions and {end.Changes:N0} row changes (manifest: {manifest.TransactionCount:N0} and {manifest.ChangeCount:N0})"));
        }
        catch (Exception ex) when (ex is BackupIntegrityException or EncryptionKeyException)
        {
            checks.Add(new VerifyCheck("content", false, ex.Message));
        }
        return new VerifyResult { BackupId = manifest.Id, Checks = checks };
    }

    private async Task<VerifyCheck> DeepVerifyAsync(BackupManifest manifest, PostgresBackupEngine engine, CancellationToken cancellationToken)
    {
        var scratch = $"backup_verify_{manifest.Id[..8]}_{Guid.NewGuid():N}"[..48];
        try
        {
            var stream = await _pipeline.OpenReadAsync(manifest.Content!, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                // Without ownership: a scratch restore proves the data, and must not fail (or create roles) because this server lacks the owners.
                await engine.RestoreAsync(new EngineRestoreRequest { TargetDatabase = scratch, BackupProperties = manifest.Properties, NoOwner = true }, stream, cancellationToken).ConfigureAwait(false);
            }
            var counts = await engine.CountRowsAsync(scratch, cancellationToken).ConfigureAwait(false);
            var mismatches = Mismatches(manifest.TableRowCounts, counts);
            return mismatches.Count == 0
                ? new VerifyCheck("scratch restore", true, $"restored into a scratch database; {counts.Count} tables, {counts.Values.Sum():N0} rows, every count matches the manifest")
                : new VerifyCheck("scratch restore", false, $"row counts differ from the manifest: {string.Join("; ", mismatches)}");
        }
        catch (Exception ex) when (ex is BackupException)
        {
            return new VerifyCheck("scratch restore", false, ex.Message);
        }
        finally
        {
            await engine.DropDatabaseAsync(scratch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<BackupManifest> GetRestorableAsync(string id, CancellationToken cancellationToken)
    {
        var manifest = (await _catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails();
        if (manifest.Status != BackupStatus.Completed || manifest.Content is null)
        {
            throw new BackupException($"The backup '{id}' did not complete ({manifest.Error ?? "no data"}); there is nothing to restore or verify.");
        }
        if (manifest.Type != BackupType.Full)
        {
            throw new BackupException($"The backup '{id}' is a {manifest.Type.ToString().ToLowerInvariant()} backup; this operation takes a full backup.");
        }
        return manifest;
    }

    private async Task RecordFailureAsync(string id, BackupType type, string? database, DateTimeOffset started, string? comment, string? scheduleId, Exception error)
    {
        Log.BackupFailed(_logger, id, error.Message);

        var manifest = new BackupManifest
        {
            Id = id,
            Type = type,
            Status = BackupStatus.Failed,
            Database = database,
            LibraryVersion = LibraryVersion,
            StartedAt = started,
            CompletedAt = _time.GetUtcNow(),
            Comment = comment,
            ScheduleId = scheduleId,
            Error = error is OperationCanceledException ? "cancelled" : error.Message,
        };
        if (_metrics is { } metrics)
        {
            metrics.Finished(type, succeeded: false, manifest.Duration ?? TimeSpan.Zero, 0);
            if (metrics.Loaded)
            {
                metrics.Record(manifest);
            }
        }
        try
        {
            // The record is for analytics; losing it must not hide the backup's own error.
            await _catalog.SaveAsync(manifest, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BackupStorageException ex)
        {
            Log.FailureRecordNotStored(_logger, id, ex.Message);
        }
    }

    private PostgresBackupEngine RequireEngine() =>
        _engine ?? throw new BackupConfigurationException("DATABASE_URL", "No database is configured: set DATABASE_URL (or Backup:DatabaseUrl), or call UsePostgres(...) in AddBackupSystem.");

    private static List<string> RestorePlan(
        BackupManifest manifest, RestoreOptions options, string target, bool targetExists, TableRestorePlan? tables, IReadOnlyDictionary<string, long> expected)
    {
        var content = manifest.Content!;
        var plan = new List<string>();
        if (options.VerifyBeforeRestore)
        {
            plan.Add($"read and verify '{content.Key}' ({content.StoredBytes:N0} bytes) before restoring");
        }
        plan.Add(targetExists
            ? options.DropExisting ? $"drop the existing database '{target}'{(options.TerminateConnections ? ", ending its sessions" : "")} and create it again" : $"stop: the database '{target}' exists (set DropExisting to replace it)"
            : $"create the database '{target}'");
        plan.Add(RolesPlanStep(manifest, options.CreateMissingRoles, options.NoOwner));
        plan.Add($"stream '{content.Key}' ({content.Compression}{(content.IsEncrypted ? $", {content.EncryptionAlgorithm} key '{content.EncryptionKeyId}'" : "")}) into pg_restore: {content.RawBytes:N0} bytes of {manifest.Database} taken {manifest.StartedAt:u}");
        if (tables is not null)
        {
            plan.Add($"restore {tables.Tables.Count} tables: {string.Join(", ", tables.Tables)}");
            plan.AddRange(tables.BroughtIn.GroupBy(b => (b.Kind, b.Reason)).Select(g => $"bring in {g.Key.Kind} {string.Join(", ", g.Select(b => b.Name))}: {g.Key.Reason}"));
            plan.AddRange(tables.LeftOut.GroupBy(l => (l.Kind, l.Reason)).Select(g => $"leave out {g.Key.Kind} {string.Join(", ", g.Select(l => l.Name))}: {g.Key.Reason}"));
        }
        plan.Add($"compare the row counts of {expected.Count} tables ({expected.Values.Sum():N0} rows) with the manifest; any difference fails the restore and drops '{target}'");
        return plan;
    }

    private static List<string> Mismatches(IReadOnlyDictionary<string, long> expected, IReadOnlyDictionary<string, long> actual) =>
        expected.Where(e => !actual.TryGetValue(e.Key, out var count) || count != e.Value)
            .Select(e => $"{e.Key}: expected {e.Value:N0}, found {(actual.TryGetValue(e.Key, out var c) ? c.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "no table")}")
            .ToList();
}
