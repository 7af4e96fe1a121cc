using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Full backups with <c>pg_dump -Fc -Z0</c> on an exported snapshot, streamed from its stdout;
/// restores with <c>pg_restore</c> fed on its stdin. The snapshot's transaction also counts every
/// table's rows, so the counts in the manifest describe exactly the dumped data.
/// </summary>
internal sealed partial class PostgresBackupEngine : IBackupEngine, IDatabaseEngine, IContinuousChangeSource
{
    /// <summary>The engine name written in manifests.</summary>
    public const string EngineName = "postgresql";

    private const int CopyBufferSize = 1 << 20;
    private readonly PostgresConnectionInfo _connection;
    private readonly PostgresOptions _options;
    private readonly PostgresToolLocator _tools;
    private readonly ILogger _logger;
    private readonly ChainSlots _slots;

    /// <summary>Creates the engine for one database.</summary>
    public PostgresBackupEngine(PostgresConnectionInfo connection, PostgresOptions options, ILogger<PostgresBackupEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _options = options;
        _tools = new PostgresToolLocator(options.ToolsDirectory);
        _logger = logger;
        _slots = new ChainSlots(connection, options, logger);
    }

    /// <inheritdoc />
    public string Name => EngineName;

    /// <summary>The database this engine backs up.</summary>
    public PostgresConnectionInfo Connection => _connection;

    /// <inheritdoc />
    public async Task<EngineBackupResult> BackupAsync(EngineBackupRequest request, Stream destination, CancellationToken cancellationToken = default) =>
        (await DumpAsync(request, destination, null, cancellationToken).ConfigureAwait(false)).Result;

    private async Task<DatabaseDump> DumpAsync(EngineBackupRequest request, Stream destination, IDataPartStore? partStore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(destination);
        if (request.Type != BackupType.Full)
        {
            throw new NotSupportedException($"BackupAsync makes full backups only; {request.Type} backups are captured from a replication slot, not dumped.");
        }

        var session = await SnapshotSession.OpenAsync(_connection, request.WaitIfBusy, request.SnapshotName, request.DatabaseLockHeld, cancellationToken).ConfigureAwait(false);
        await using var sessionScope = session.ConfigureAwait(false);
        var tools = await _tools.FindAsync(session.ServerMajor, cancellationToken).ConfigureAwait(false);
        Log.DumpStarting(_logger, _connection.ToString(), tools.Version, session.ServerVersion);
        // Parts are copied in UTF-8 (Npgsql's client encoding); pg_dump's archive says the database's
        // encoding, so the archive a download rebuilds would disagree with its own data elsewhere.
        var utf8 = session.DatabaseProperties.GetValueOrDefault(ManifestProperties.Encoding) == "UTF8";
        var jobs = partStore is null ? 0 : utf8 ? _options.EffectiveJobs : 0;
        if (partStore is not null && _options.EffectiveJobs > 0 && !utf8)
        {
            Log.DumpNotInParts(_logger, session.DatabaseProperties.GetValueOrDefault(ManifestProperties.Encoding) ?? "unknown");
        }
        var parts = jobs == 0
            ? []
            : await session.PlanPartsAsync(request.Schemas, request.Tables, _options.PartSizeMegabytes * 1024L * 1024, cancellationToken).ConfigureAwait(false);
        if (jobs > 0)
        {
            Log.DumpInParts(_logger, parts.Count, parts.Select(p => p.Name).Distinct().Count(), jobs);
        }

        var arguments = new List<string> { "--format=custom", "--compress=0", "--snapshot=" + session.SnapshotName };
        arguments.AddRange(request.Schemas.Select(s => "--schema=" + SqlIdentifier.Quote(s)));
        arguments.AddRange(request.Tables.Select(t => "--table=" + SqlIdentifier.QuoteQualified(t)));
        if (parts.Count > 0)
        {
            arguments.AddRange(TablePartPlan.ExcludeDataArguments(parts));
            // The snapshot's session already holds these tables' locks: an ALTER queued behind it would
            // queue pg_dump's own lock request behind itself, a wait no deadlock check sees (pg_dump -j's
            // workers lock with NOWAIT for the same reason). Fail instead, with pg_dump's message.
            arguments.Add("--lock-wait-timeout=" + TableDataCopy.LockWait);
        }

        var dump = ToolProcess.Start(tools.PgDump, _connection, arguments);
        await using var dumpScope = dump.ConfigureAwait(false);
        // Counting runs on the snapshot's own connection while pg_dump streams on another, and the
        // parts are copied on connections of their own; their rows are counted as they pass (but
        // a table others inherit from, whose count includes its children's rows, is counted apart).
        using var stopSiblings = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var countedByCopy = parts.Where(p => !p.HasChildren).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var counting = session.CountRowsAsync(request.Schemas, request.Tables, countedByCopy, stopSiblings.Token);
        var copying = parts.Count == 0
            ? Task.FromResult<IReadOnlyList<TableDataPart>>([])
            : TableDataCopy.RunAsync(_connection, session.SnapshotName, parts, jobs, partStore!, stopSiblings.Token);
        async Task DumpArchiveAsync()
        {
            await dump.StandardOutput.CopyToAsync(destination, CopyBufferSize, stopSiblings.Token).ConfigureAwait(false);
            await dump.WaitForSuccessAsync(stopSiblings.Token).ConfigureAwait(false);
        }
        // A part that fails stops pg_dump (and the count) at once, and the other way round; all have
        // ended before the snapshot's connection (and its transaction) is closed under them.
        await Siblings.WhenAllAsync(stopSiblings, DumpArchiveAsync(), copying, counting).ConfigureAwait(false);
        var copied = await copying.ConfigureAwait(false);
        var counts = new SortedDictionary<string, long>(new Dictionary<string, long>(await counting.ConfigureAwait(false)), StringComparer.Ordinal);
        foreach (var table in copied.Where(p => countedByCopy.Contains(p.Table!)).GroupBy(p => p.Table!, StringComparer.Ordinal))
        {
            counts[table.Key] = table.Sum(p => p.Rows!.Value);
        }
        // Read on the dump's snapshot, so the roles are exactly those the dumped objects name.
        var roles = await DatabaseRoles.ReadAsync(_connection, session.SnapshotName, cancellationToken).ConfigureAwait(false);

        var result = new EngineBackupResult
        {
            Database = _connection.Database,
            ServerVersion = session.ServerVersion,
            ToolVersion = "pg_dump " + tools.Version,
            TableRowCounts = counts,
            Roles = roles,
            Properties = new Dictionary<string, string>(session.DatabaseProperties, StringComparer.Ordinal)
            {
                [ManifestProperties.Snapshot] = session.SnapshotName,
                [ManifestProperties.WalPosition] = session.WalPosition,
                [ManifestProperties.SnapshotAt] = ManifestProperties.Timestamp(session.SnapshotAt),
                [ManifestProperties.ChangesSince] = ManifestProperties.Timestamp(session.ChangesSince),
            },
        };
        return new DatabaseDump(result, session.SnapshotAt.ToUniversalTime(), StartLsn: null, ChainSlot: null) { Parts = copied };
    }

    /// <summary>Whether full backups start change-capture chains (<see cref="PostgresOptions.ChangeCapture"/>).</summary>
    public bool ChangeCaptureEnabled => _options.ChangeCapture;

    /// <summary><see cref="PostgresOptions.NewChainOnSchemaChange"/>.</summary>
    public bool NewChainOnSchemaChange => _options.NewChainOnSchemaChange;

    /// <summary><see cref="PostgresOptions.MaxSlotLagMegabytes"/> in bytes, or null.</summary>
    public long? MaxSlotLagBytes => _options.MaxSlotLagMegabytes * 1024 * 1024;

    /// <summary><see cref="PostgresOptions.SlotLagCheckInterval"/>.</summary>
    public TimeSpan SlotLagCheckInterval => _options.SlotLagCheckInterval;

    /// <summary><see cref="PostgresOptions.TimestampColumn"/>.</summary>
    public string TimestampColumn => _options.TimestampColumn;

    /// <summary><see cref="PostgresOptions.TimestampOverlap"/>.</summary>
    public TimeSpan TimestampOverlap => _options.TimestampOverlap;

    /// <summary>
    /// A full backup that starts a change-capture chain: the publication is ensured, a slot named
    /// for the chain is created with an exported snapshot, and pg_dump runs on that snapshot, so
    /// the dump and the slot's change stream meet at exactly one WAL position (recorded as <c>startLsn</c>).
    /// </summary>
    /// <remarks>The slot is named for the chain only; the backup features also name it for their store (the overload with a store id).</remarks>
    public Task<EngineBackupResult> BackupStartingChainAsync(EngineBackupRequest request, string chainId, Stream destination, CancellationToken cancellationToken = default) =>
        BackupStartingChainAsync(request, chainId, null, destination, cancellationToken);

    /// <summary>As <see cref="BackupStartingChainAsync(EngineBackupRequest, string, Stream, CancellationToken)"/>, the slot named for the store <paramref name="storeId"/> as well (<see cref="Catalog.StoreIdentity"/>).</summary>
    public async Task<EngineBackupResult> BackupStartingChainAsync(EngineBackupRequest request, string chainId, string? storeId, Stream destination, CancellationToken cancellationToken = default) =>
        (await DumpStartingChainAsync(request, chainId, storeId, destination, null, cancellationToken).ConfigureAwait(false)).Result;

    private async Task<DatabaseDump> DumpStartingChainAsync(EngineBackupRequest request, string chainId, string? storeId, Stream destination, IDataPartStore? partStore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var slotName = _slots.SlotFor(chainId, storeId);
        var capture = _slots.Capture(slotName);
        if (!request.DatabaseLockHeld)
        {
            // The lock comes before the slot: a backup refused as busy must not leave a slot behind.
            var held = await HoldBackupLockAsync(request.WaitIfBusy, cancellationToken).ConfigureAwait(false);
            await using (held.ConfigureAwait(false))
            {
                return await DumpStartingChainAsync(request with { DatabaseLockHeld = true }, chainId, storeId, destination, partStore, cancellationToken).ConfigureAwait(false);
            }
        }
        var (ddlCapture, publicationCreated) = await capture.EnsurePublicationAsync(_options.CaptureDdl, cancellationToken).ConfigureAwait(false);
        if (publicationCreated)
        {
            Log.PublicationCreated(_logger, _options.PublicationName);
        }
        if (ddlCapture != ManifestProperties.SchemaCaptureOn)
        {
            Log.SchemaChangesNotCaptured(_logger, chainId, ddlCapture);
        }
        var snapshot = await capture.CreateSlotAsync(cancellationToken).ConfigureAwait(false);
        Log.SlotCreated(_logger, slotName, chainId, snapshot.ConsistentPoint.ToString());
        try
        {
            await using (snapshot.ConfigureAwait(false))
            {
                var snapshotAt = await ServerSessions.ClockAsync(_connection, cancellationToken).ConfigureAwait(false);
                var shapes = await TableShapes.ReadAsync(_connection, snapshot.SnapshotName, cancellationToken).ConfigureAwait(false);
                var dump = await DumpAsync(request with { SnapshotName = snapshot.SnapshotName }, destination, partStore, cancellationToken).ConfigureAwait(false);
                var startLsn = snapshot.ConsistentPoint.ToString();
                var properties = new Dictionary<string, string>(dump.Result.Properties, StringComparer.Ordinal)
                {
                    [ManifestProperties.Slot] = slotName,
                    [ManifestProperties.StartLsn] = startLsn,
                    [ManifestProperties.SnapshotAt] = ManifestProperties.Timestamp(snapshotAt),
                    [ManifestProperties.SchemaCapture] = ddlCapture,
                };
                foreach (var (table, shape) in shapes)
                {
                    properties[ManifestProperties.TableShapePrefix + table] = shape;
                }
                return new DatabaseDump(dump.Result with { Properties = properties }, snapshotAt.ToUniversalTime(), startLsn, slotName) { Parts = dump.Parts };
            }
        }
        catch
        {
            // No backup starts on this slot: it would only hold WAL back.
            await _slots.DropQuietlyAsync(slotName).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes the database's backup lock (<see cref="DatabaseBackupLock"/>) on a connection of its own, until disposed.</summary>
    /// <exception cref="BackupInProgressException">Another backup holds it and <paramref name="wait"/> is false.</exception>
    private Task<IAsyncDisposable> HoldBackupLockAsync(bool wait, CancellationToken cancellationToken) =>
        DatabaseBackupLock.HoldAsync(_connection, wait, cancellationToken);

    /// <summary>The change-capture slots in this engine's database named like its chains' (of any store) and the WAL each retains.</summary>
    public Task<IReadOnlyList<SlotStatus>> SlotsAsync(CancellationToken cancellationToken = default) => _slots.ListAsync(cancellationToken);

    /// <inheritdoc />
    public Task RestoreAsync(EngineRestoreRequest request, Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        if (request.Tables.Count > 0)
        {
            throw new ArgumentException("Restoring chosen tables reads the archive three times; use the overload that can open it again.", nameof(request));
        }
        return RestoreCoreAsync(request, tools => Task.FromResult(source), [], null, cancellationToken);
    }

    /// <summary>
    /// Restores a backup that <paramref name="openSource"/> can open more than once. With
    /// <see cref="EngineRestoreRequest.Tables"/> set, it first reads the archive's table of contents
    /// and schema to pick exactly the entries those tables need (see <see cref="PlanTableRestoreAsync"/>).
    /// </summary>
    /// <returns>The roles created on the server for the restore (<see cref="EngineRestoreRequest.CreateMissingRoles"/>).</returns>
    /// <exception cref="MissingRolesException">The archive needs roles the server lacks, and neither CreateMissingRoles nor NoOwner was set.</exception>
    public Task<IReadOnlyList<string>> RestoreAsync(EngineRestoreRequest request, Func<CancellationToken, Task<Stream>> openSource, CancellationToken cancellationToken = default) =>
        RestoreAsync(request, FullBackupSource.Archive(openSource), cancellationToken);

    /// <summary>As <see cref="RestoreAsync(EngineRestoreRequest, Func{CancellationToken, Task{Stream}}, CancellationToken)"/>, for a backup that may have been taken in parts.</summary>
    internal async Task<IReadOnlyList<string>> RestoreAsync(EngineRestoreRequest request, FullBackupSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        if (request.Tables.Count == 0)
        {
            // A short read of the archive's head tells whether it holds our capture objects, which no restore takes.
            var tools = await FindToolsAsync(cancellationToken).ConfigureAwait(false);
            var (list, leftOut) = LeaveOutCaptureObjects(await ArchiveFeed.RunOverArchiveAsync(tools, ["--list"], source.PeekArchive ?? source.OpenArchive, cancellationToken).ConfigureAwait(false));
            if (leftOut > 0)
            {
                Log.CaptureObjectsLeftOut(_logger, request.TargetDatabase, leftOut);
                return await RestoreListedAsync(request, list, source with { Parts = [.. source.Parts.Where(p => !CaptureObjectsFilter.IsCaptureTable(p.Part.Table!))] }, cancellationToken).ConfigureAwait(false);
            }
            var archive = await source.OpenArchive(cancellationToken).ConfigureAwait(false);
            await using (archive.ConfigureAwait(false))
            {
                return await RestoreCoreAsync(request, _ => Task.FromResult(archive), source.Parts, null, cancellationToken).ConfigureAwait(false);
            }
        }
        var plan = await PlanTableRestoreAsync(request.Tables, source.OpenArchive, cancellationToken).ConfigureAwait(false);
        return await RestoreTablesAsync(request, plan, source with { Parts = [.. source.Parts.Where(p => plan.TablesWithData.Contains(p.Part.Table!, StringComparer.Ordinal))] }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What a restore of <paramref name="tables"/> restores and leaves out. Reads the archive's
    /// table of contents and schema (<c>pg_restore --list</c> and <c>--schema-only</c>, each over a
    /// fresh read of the archive that stops once pg_restore has what it needs), so it costs two
    /// short reads, not a restore. Throws <see cref="UnknownTableException"/> when a name is no table
    /// of the archive.
    /// </summary>
    public async Task<TableRestorePlan> PlanTableRestoreAsync(IReadOnlyList<string> tables, Func<CancellationToken, Task<Stream>> openSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(openSource);
        var tools = await FindToolsAsync(cancellationToken).ConfigureAwait(false);
        var (toc, _) = LeaveOutCaptureObjects(await ArchiveFeed.RunOverArchiveAsync(tools, ["--list"], openSource, cancellationToken).ConfigureAwait(false));
        var schema = await ArchiveFeed.RunOverArchiveAsync(tools, ["--schema-only", "--file=-"], openSource, cancellationToken).ConfigureAwait(false);
        return TableRestoreFilter.Plan(toc, schema, tables);
    }

    private (string List, int LeftOut) LeaveOutCaptureObjects(string toc) => CaptureObjectsFilter.LeaveOut(toc, _options.PublicationName);

    /// <summary>Restores what <paramref name="plan"/> (from <see cref="PlanTableRestoreAsync"/>) says, from the same backup.</summary>
    /// <returns>The roles created on the server for the restore (<see cref="EngineRestoreRequest.CreateMissingRoles"/>).</returns>
    public Task<IReadOnlyList<string>> RestoreTablesAsync(EngineRestoreRequest request, TableRestorePlan plan, Func<CancellationToken, Task<Stream>> openSource, CancellationToken cancellationToken = default) =>
        RestoreTablesAsync(request, plan, FullBackupSource.Archive(openSource), cancellationToken);

    /// <summary>As <see cref="RestoreTablesAsync(EngineRestoreRequest, TableRestorePlan, Func{CancellationToken, Task{Stream}}, CancellationToken)"/>, loading the parts of <paramref name="source"/> given (the caller picks the plan's).</summary>
    internal async Task<IReadOnlyList<string>> RestoreTablesAsync(EngineRestoreRequest request, TableRestorePlan plan, FullBackupSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(source);
        return await RestoreListedAsync(request, plan.List, source, cancellationToken).ConfigureAwait(false);
    }

    // Restores the entries of list (pg_restore --use-list) from the archive and parts of source.
    private async Task<IReadOnlyList<string>> RestoreListedAsync(EngineRestoreRequest request, string list, FullBackupSource source, CancellationToken cancellationToken)
    {
        var listFile = Path.Combine(Path.GetTempPath(), $"backup-core-{Guid.NewGuid():N}.list");
        Stream? archive = null;
        try
        {
            await File.WriteAllTextAsync(listFile, list, cancellationToken).ConfigureAwait(false);
            return await RestoreCoreAsync(request, async _ => archive = await source.OpenArchive(cancellationToken).ConfigureAwait(false), source.Parts, listFile, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(listFile);
            if (archive is not null)
            {
                await archive.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<string>> RestoreCoreAsync(
        EngineRestoreRequest request, Func<PostgresTools, Task<Stream>> prepareSource, IReadOnlyList<DataPartSource> parts, string? listFile, CancellationToken cancellationToken)
    {
        var maintenance = _connection.WithDatabase(_options.MaintenanceDatabase);
        var admin = new PostgresAdmin(maintenance);
        var tools = await FindToolsAsync(cancellationToken).ConfigureAwait(false);
        var roles = request.NoOwner ? [] : request.Roles ?? [];
        if (request.CheckRolesFirst && !request.CreateMissingRoles && roles.Count > 0)
        {
            // pg_restore would stop at the first missing role, after loading the data when it is a grantee: say it now, and name them all.
            var missing = await WithConnectionAsync(maintenance, c => DatabaseRoles.MissingAsync(c, roles.Select(r => r.Name), cancellationToken), cancellationToken).ConfigureAwait(false);
            if (missing.Count > 0)
            {
                throw new MissingRolesException(missing, request.TargetDatabase);
            }
        }
        // Everything that can fail without touching the server (keys, table lists) happens before the target is created.
        var source = await prepareSource(tools).ConfigureAwait(false);
        await admin.PrepareTargetAsync(request, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> created = [];
        try
        {
            if (request.CreateMissingRoles && roles.Count > 0)
            {
                created = await WithConnectionAsync(maintenance, c => DatabaseRoles.CreateMissingAsync(c, roles, cancellationToken), cancellationToken).ConfigureAwait(false);
                if (created.Count > 0)
                {
                    Log.RolesCreated(_logger, request.TargetDatabase, string.Join(", ", created));
                }
            }
            var arguments = new List<string> { "--exit-on-error" };
            if (request.NoOwner)
            {
                arguments.Add("--no-owner");
                arguments.Add("--no-privileges");
            }
            if (listFile is not null)
            {
                arguments.Add("--use-list=" + listFile);
            }
            var target = _connection.WithDatabase(request.TargetDatabase);
            if (parts.Count == 0)
            {
                var restore = ToolProcess.Start(tools.PgRestore, target, arguments, writesOutput: false, readsInput: true);
                await using (restore.ConfigureAwait(false))
                {
                    await ArchiveFeed.FeedAsync(restore, source, wholeArchive: true, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                var jobs = Math.Max(1, _options.EffectiveJobs);
                Log.RestoreInParts(_logger, request.TargetDatabase, parts.Count, jobs);
                await SectionedRestore.RunAsync(tools, target, arguments, source, parts, jobs, _options.RestoreMaintenanceWorkMemMegabytes, cancellationToken).ConfigureAwait(false);
            }
            Log.RestoreFinished(_logger, request.TargetDatabase);
            return created;
        }
        catch (Exception ex)
        {
            // A half-restored database is worse than none: the target was created by this restore, so remove it.
            Log.RestoreFailedDroppingTarget(_logger, request.TargetDatabase, ex.Message);
            await admin.DropDatabaseAsync(request.TargetDatabase, terminate: true, CancellationToken.None).ConfigureAwait(false);
            if (created.Count > 0)
            {
                // With their database gone they own nothing: the server is left as it was found.
                await WithConnectionAsync(maintenance, async c => { await DatabaseRoles.DropAsync(c, created, CancellationToken.None).ConfigureAwait(false); return 0; }, CancellationToken.None).ConfigureAwait(false);
            }
            if (ex is BackupDatabaseException && DatabaseRoles.NamedAsMissing(ex.Message) is { Count: > 0 } named)
            {
                throw new MissingRolesException(named, request.TargetDatabase, ex);
            }
            throw;
        }
    }

    private static async Task<T> WithConnectionAsync<T>(PostgresConnectionInfo info, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = await info.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await work(connection).ConfigureAwait(false);
        }
    }

    private async Task<PostgresTools> FindToolsAsync(CancellationToken cancellationToken)
    {
        var serverMajor = await new PostgresAdmin(_connection.WithDatabase(_options.MaintenanceDatabase)).ServerMajorAsync(cancellationToken).ConfigureAwait(false);
        return await _tools.FindAsync(serverMajor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <c>pg_restore --list</c> over an archive: proves pg_restore accepts it and returns its
    /// table of contents. Reads <paramref name="source"/> to its end even when pg_restore stops
    /// early, so that the pipeline's end-of-stream checks run.
    /// </summary>
    public async Task<string> ListArchiveAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tools = await FindToolsAsync(cancellationToken).ConfigureAwait(false);
        var list = ToolProcess.StartOffline(tools.PgRestore, ["--list"]);
        await using var listScope = list.ConfigureAwait(false);
        var output = list.StandardOutput;
        using var reader = new StreamReader(output);
        var toc = reader.ReadToEndAsync(cancellationToken);
        await ArchiveFeed.FeedAsync(list, source, wholeArchive: true, cancellationToken).ConfigureAwait(false);
        return await toc.ConfigureAwait(false);
    }

    /// <summary>Exact row counts of every user table of <paramref name="database"/> on this server, but those in <paramref name="skip"/>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(string database, IReadOnlySet<string>? skip = null, CancellationToken cancellationToken = default)
    {
        var connection = await _connection.WithDatabase(database).OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        return await RowCounter.CountAsync(connection, [], [], cancellationToken, skip: skip).ConfigureAwait(false);
    }

    /// <summary>Drops <paramref name="database"/> if it exists, ending its sessions.</summary>
    public Task DropDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        new PostgresAdmin(_connection.WithDatabase(_options.MaintenanceDatabase)).DropDatabaseAsync(database, terminate: true, cancellationToken);

    /// <summary>Whether <paramref name="database"/> exists on this server.</summary>
    public Task<bool> DatabaseExistsAsync(string database, CancellationToken cancellationToken = default) =>
        new PostgresAdmin(_connection.WithDatabase(_options.MaintenanceDatabase)).DatabaseExistsAsync(database, cancellationToken);
}
