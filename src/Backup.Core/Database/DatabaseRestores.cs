using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Diagnostics;
using Backup.Core.Engine;
using Backup.Core.Files;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Database;

/// <summary>Restores of a full backup, whole or chosen tables, with the row counts checked against the manifest.</summary>
internal sealed class DatabaseRestores(BackupCatalog catalog, BackupPipeline pipeline, IDatabaseRestorer? database, RolesObject roles, FileBackups files, TimeProvider time, ILogger logger)
{
    /// <summary>Restores a full backup; see <see cref="BackupService.RestoreFromBackupAsync"/>.</summary>
    public Task<RestoreResult> RestoreAsync(string id, RestoreOptions? options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken) =>
        BackupTracing.TraceAsync("restore", id, BackupType.Full, _ => RestoreTracedAsync(id, options, progress, cancellationToken));

    private async Task<RestoreResult> RestoreTracedAsync(string id, RestoreOptions? options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        // Every restore that does not complete says so in the log, and how: refused (nothing was
        // touched), cancelled, or failed.
        try
        {
            return await RestoreStepsAsync(id, options, ProgressLog.Wrap(progress, logger, time, $"Restore of backup {id}"), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.RestoreCancelled(logger, id);
            throw;
        }
        catch (Exception ex) when (OperatorLines.IsRefusal(ex))
        {
            Log.RestoreRefused(logger, id, ex.Message);
            throw;
        }
        catch (Exception ex)
        {
            Log.RestoreFailed(logger, id, ex.Message);
            throw;
        }
    }

    private async Task<RestoreResult> RestoreStepsAsync(string id, RestoreOptions? options, IProgress<BackupProgress> progress, CancellationToken cancellationToken)
    {
        options ??= new RestoreOptions();
        var manifest = await catalog.GetRestorableAsync(id, cancellationToken).ConfigureAwait(false);
        var engine = DatabaseRequired.Require(database);
        var started = time.GetUtcNow();
        var target = options.TargetDatabase ?? $"{manifest.Database}_restored_{started.UtcDateTime:yyyyMMdd_HHmmss_fff}";
        engine.ValidateTargetName(target, nameof(RestoreOptions.TargetDatabase));
        var targetExists = await engine.DatabaseExistsAsync(target, cancellationToken).ConfigureAwait(false);
        // Chosen tables are checked against the archive (and what they bring in and leave out is
        // worked out) before anything is created, and for a dry run too: a short read of the archive.
        var tablePlan = options.Tables.Count == 0
            ? null
            : await engine.PlanTableRestoreAsync(options.Tables, ct => pipeline.OpenReadAsync(manifest.Content!, ct), cancellationToken).ConfigureAwait(false);
        var expected = tablePlan is null
            ? manifest.TableRowCounts
            : manifest.TableRowCounts.Where(t => tablePlan.TablesWithData.Contains(t.Key, StringComparer.Ordinal)).ToDictionary();
        var planned = new RestoreResult
        {
            BackupId = manifest.Id,
            TargetDatabase = target,
            DryRun = options.DryRun,
            TargetExisted = targetExists,
            Plan = RestorePlan.Steps(manifest, options, target, targetExists, tablePlan, expected),
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
            await FullBackupSources.VerifyAsync(manifest, pipeline, cancellationToken).ConfigureAwait(false);
        }
        Log.RestoreStarting(logger, manifest.Id, target);
        var recorded = await roles.ReadAsync(manifest, options.NoOwner, cancellationToken).ConfigureAwait(false);
        var request = new EngineRestoreRequest
        {
            TargetDatabase = target,
            DropExisting = options.DropExisting,
            TerminateConnections = options.TerminateConnections,
            Tables = options.Tables,
            BackupProperties = manifest.Properties,
        };
        // A whole restore reads every stored object to its end: their plain size is the total; a
        // restore of chosen tables skips parts, so its total is not known.
        var restored = new ProgressTotal("restoring", progress, tablePlan is null ? manifest.RawBytes : null);
        var source = FullBackupSources.Of(manifest, pipeline, restored);
        var withRoles = RolesObject.WithRoles(request, manifest, recorded, options.CreateMissingRoles, options.NoOwner);
        var createdRoles = tablePlan is null
            ? await engine.RestoreAsync(withRoles, source, cancellationToken).ConfigureAwait(false)
            : await engine.RestoreTablesAsync(withRoles, tablePlan, source, cancellationToken).ConfigureAwait(false);
        var bytes = restored.Bytes;
        restored.Enter("counting rows");
        var loaded = FullBackupSources.LoadedRows(manifest, tablePlan?.TablesWithData);
        var (restoredCounts, mismatches) = await engine.CompareAsync(target, expected, cancellationToken, loaded).ConfigureAwait(false);
        if (mismatches.Count > 0)
        {
            // The counts were taken in the dump's own snapshot, so any difference means rows were
            // lost (or made up) on the way: a database that looks restored but is not must not be left behind.
            Log.RestoreFailedDroppingTarget(logger, target, string.Join("; ", mismatches));
            await engine.DropDatabaseAsync(target, CancellationToken.None).ConfigureAwait(false);
            throw RowCountMismatchException.For(manifest.Id, target, mismatches);
        }
        return planned with
        {
            RestoredRowCounts = restoredCounts,
            RowCountMismatches = mismatches,
            Bytes = bytes,
            Duration = time.GetUtcNow() - started,
            CreatedRoles = createdRoles,
            Files = options.Files is null ? null : await files.RestoreAsync(manifest.FileBackupId!, options.Files, cancellationToken).ConfigureAwait(false),
        };
    }
}
