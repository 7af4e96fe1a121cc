using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Backup.Core.Files;
using Backup.Core.Operations;
using Backup.Core.Runs;
using Backup.Core.Slots;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Database;

/// <summary>
/// Full backups of the database: a dump on an exported snapshot (with change capture, on the
/// snapshot of the new chain's slot), its roles object, and optionally the files taken with it.
/// </summary>
internal sealed class FullBackups(BackupRecorder recorder, IDatabaseDumper? database, IReplicationSlots? slots, SlotGuard slotGuard, RolesObject roles, FileBackups files, ILogger logger)
{
    /// <summary>Takes a full backup; see <see cref="BackupService.CreateFullBackupAsync"/>.</summary>
    public async Task<BackupManifest> CreateAsync(FullBackupOptions? options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        options ??= new FullBackupOptions();
        var engine = DatabaseRequired.Require(database);
        var chain = new ChainStart();
        var run = new BackupRun(BackupType.Full, engine.Database, engine.Database, options.Comment, options.ScheduleId) { Marks = options.Marks };
        return await recorder.RunAsync(
            run,
            (context, ct) => engine.Settings.CapturesChanges ? StartChainAsync(context, options, chain, ct) : Task.CompletedTask,
            (context, ct) => DumpAsync(context, engine, options, chain, progress, ct),
            progress,
            cancellationToken).ConfigureAwait(false);
    }

    // A chain's full backup holds the database's lock from before its slot is created until its
    // manifest is stored (or its slot dropped): another backup never sees a slot in between.
    private async Task StartChainAsync(BackupRunContext context, FullBackupOptions options, ChainStart chain, CancellationToken cancellationToken)
    {
        var engine = DatabaseRequired.Require(database);
        var chainSlots = DatabaseRequired.Require(slots);
        chain.StoreId = await slotGuard.StoreIdAsync(cancellationToken).ConfigureAwait(false);
        var held = await engine.HoldBackupLockAsync(options.WaitIfBusy, cancellationToken).ConfigureAwait(false);
        chain.LockHeld = true;
        context.OnEnd(async stored =>
        {
            if (chain.Slot is { } slot && !stored)
            {
                // Busy, failed or cancelled: a chain whose full backup was not stored must not hold WAL on the server.
                await chainSlots.DropQuietlyAsync(slot).ConfigureAwait(false);
            }
            await held.DisposeAsync().ConfigureAwait(false);
        });
        await slotGuard.DropOrphansAsync(chainSlots, chain.StoreId, cancellationToken).ConfigureAwait(false);
        chain.Slot = chainSlots.SlotFor(context.Id, chain.StoreId);
    }

    // The included files are a backup run of their own, whose context logs their progress: they get
    // the caller's progress, not this run's, so no line is written twice under two names.
    private async Task<ProducedBackup> DumpAsync(BackupRunContext context, IDatabaseDumper engine, FullBackupOptions options, ChainStart chain, IProgress<BackupProgress>? callerProgress, CancellationToken cancellationToken)
    {
        var progress = context.Progress;
        DatabaseDump? dump = null;
        var parts = new FullBackupPartStore(context, options, progress, logger);
        var content = await context.WriteContentAsync("dumping", progress, options.Compress, options.Encrypt, async (stream, ct) =>
        {
            var request = new EngineBackupRequest { Type = BackupType.Full, Schemas = options.Schemas, Tables = options.Tables, WaitIfBusy = options.WaitIfBusy, DatabaseLockHeld = chain.LockHeld };
            dump = engine.Settings.CapturesChanges
                ? await engine.DumpStartingChainAsync(request, context.Id, chain.StoreId, stream, parts, ct).ConfigureAwait(false)
                : await engine.DumpAsync(request, stream, parts, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        context.CheckTotalSize(dump!.Parts.Select(p => p.Content).Prepend(content));

        var result = dump!.Result;
        var rolesContent = await roles.StoreAsync(context.Id, result.Roles, options.Compress, options.Encrypt, cancellationToken).ConfigureAwait(false);
        var (fileBackupId, properties) = await IncludeFilesAsync(context.Id, options, result.Properties, callerProgress, cancellationToken).ConfigureAwait(false);
        progress?.Report(new BackupProgress("storing manifest", content.RawBytes + parts.Bytes));
        var manifest = context.Completed with
        {
            FileBackupId = fileBackupId,
            Engine = engine.Name,
            Database = result.Database,
            ServerVersion = result.ServerVersion,
            ToolVersion = result.ToolVersion,
            TableRowCounts = result.TableRowCounts,
            Content = content,
            Parts = dump.Parts,
            RolesContent = rolesContent,
            Schemas = options.Schemas,
            Tables = options.Tables,
            Properties = properties,
            // Every full backup starts a chain: of change-capture or of timestamp-mode incrementals.
            ChainId = context.Id,
            StartLsn = dump.StartLsn,
            EndLsn = dump.StartLsn,
            SnapshotAt = dump.SnapshotAt,
        };
        return new ProducedBackup(manifest, dump.ChainSlot is { } slot
            // The new chain is stored: this store's older chains' slots would only hold WAL back now.
            ? ct => slotGuard.DropSupersededAsync(DatabaseRequired.Require(slots), slot, ct)
            : null);
    }

    // A full backup's IncludeFiles: the file backup's id, or the error recorded in the full's properties.
    private async Task<(string? Id, IReadOnlyDictionary<string, string> Properties)> IncludeFilesAsync(
        string fullId, FullBackupOptions options, IReadOnlyDictionary<string, string> properties, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        if (options.IncludeFiles is not { } included)
        {
            return (null, properties);
        }
        try
        {
            var manifest = await files.CreateAsync($"files of full backup {fullId}", included with { Comment = included.Comment ?? options.Comment, ScheduleId = options.ScheduleId }, progress, cancellationToken).ConfigureAwait(false);
            return (manifest.Id, properties);
        }
        catch (Exception ex) when (ex is BackupException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            // The database backup is worth keeping; the missing files are said loudly, in the log and the manifest.
            Log.IncludedFilesFailed(logger, fullId, ex.Message);
            return (null, new Dictionary<string, string>(properties, StringComparer.Ordinal) { [ManifestProperties.FilesError] = ex.Message });
        }
    }

    // What starting a chain set up, for the dump and for the end of the run.
    private sealed class ChainStart
    {
        public string? StoreId { get; set; }

        public string? Slot { get; set; }

        public bool LockHeld { get; set; }
    }
}
