using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Diagnostics;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Runs;

/// <summary>
/// The one skeleton of every backup — full, incremental, files: an id, the running set, the
/// log, the manifest stored last (the commit point), then the after-stored handlers; on failure
/// or cancellation a failure record instead, so nothing restorable is left.
/// </summary>
internal sealed class BackupRecorder(
    BackupPipeline pipeline, BackupCatalog catalog, ActiveBackups running, long? maxStoredBytes,
    IReadOnlyList<IBackupStoredHandler> storedHandlers, IReadOnlyList<IBackupFailedHandler> failedHandlers,
    TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Runs one backup: <paramref name="prepare"/> (e.g. taking a lock; what it refuses is refused
    /// before the run is logged), then <paramref name="produce"/>, then the manifest it returns is
    /// stored, its <see cref="ProducedBackup.AfterStored"/> run, and the handlers.
    /// </summary>
    /// <param name="run">What is backed up.</param>
    /// <param name="prepare">Runs first; what it refuses is refused before the run is logged.</param>
    /// <param name="produce">Writes the backup; reports progress to <see cref="BackupRunContext.Progress"/>.</param>
    /// <param name="progress">The caller's progress; the context's also writes the log's progress lines.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The stored manifest, as the handlers left it.</returns>
    public async Task<BackupManifest> RunAsync(
        BackupRun run, Func<BackupRunContext, CancellationToken, Task>? prepare, Func<BackupRunContext, CancellationToken, Task<ProducedBackup>> produce,
        IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var id = BackupId.New(started);
        var context = new BackupRunContext(run, id, started, pipeline, maxStoredBytes, ProgressLog.Wrap(progress, logger, time, $"Backup {id} ({TypeName(run.Type)})"));
        running.Add(context.Id, run.Type);
        var stored = false;
        var logged = false;
        using var span = BackupTracing.Start("backup", context.Id, run.Type);
        try
        {
            if (prepare is not null)
            {
                await prepare(context, cancellationToken).ConfigureAwait(false);
            }
            Log.BackupStarting(logger, context.Id, TypeName(run.Type), run.Source);
            logged = true;
            ProducedBackup produced;
            // The dump (or the parts) and their upload: the stream is written to the store as it is produced.
            using (var produceSpan = BackupTracing.Start("backup.produce", context.Id, run.Type))
            {
                try
                {
                    produced = await produce(context, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    BackupTracing.Failed(produceSpan, ex);
                    throw;
                }
                produceSpan?.SetTag("backup.raw_bytes", produced.Manifest.RawBytes);
                produceSpan?.SetTag("backup.stored_bytes", produced.Manifest.StoredBytes);
            }
            var manifest = produced.Manifest with { CompletedAt = time.GetUtcNow(), Properties = WithMarks(produced.Manifest.Properties, run.Marks) };
            using (var manifestSpan = BackupTracing.Start("backup.manifest", context.Id, run.Type))
            {
                try
                {
                    await catalog.SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    BackupTracing.Failed(manifestSpan, ex);
                    throw;
                }
            }
            stored = true;
            span?.SetTag("backup.raw_bytes", manifest.RawBytes);
            span?.SetTag("backup.stored_bytes", manifest.StoredBytes);
            if (produced.AfterStored is { } afterStored)
            {
                await afterStored(cancellationToken).ConfigureAwait(false);
            }
            LogCompleted(manifest);
            foreach (var handler in storedHandlers)
            {
                manifest = await RunHandlerAsync(handler, manifest, cancellationToken).ConfigureAwait(false);
            }
            return manifest;
        }
        catch (BackupInProgressException ex)
        {
            // Refused: another backup holds the database (or this chain), so nothing ran.
            Log.BackupRefused(logger, TypeName(run.Type), run.Source, ex.Message);
            throw;
        }
        catch (Exception ex) when (IsFailure(run, ex))
        {
            BackupTracing.Failed(span, ex);
            if (!logged && ex is BackupException and not BackupStorageException and not BackupDatabaseException)
            {
                // Refused by the preparation (a lock, a preflight, the configuration), before anything was written.
                Log.BackupRefused(logger, TypeName(run.Type), run.Source, ex.Message);
            }
            // Whatever breaks once cancellation was asked for is the cancellation's doing: Npgsql, for
            // one, reports a cancel the loaded server was slow to honour as a read timeout. It is
            // recorded and thrown as a cancellation, so a stopped host says "cancelled", not "failed".
            if (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                var cancelled = new OperationCanceledException("The backup was cancelled.", ex, cancellationToken);
                await RecordFailureAsync(context, cancelled).ConfigureAwait(false);
                throw cancelled;
            }
            await RecordFailureAsync(context, ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await EndAsync(context, stored).ConfigureAwait(false);
        }
    }

    // The backup is stored and complete by now: whatever a handler (metrics, offsite copy) runs into,
    // even a cancellation, is said loudly but must not turn it into a failure record under its id.
    private async Task<BackupManifest> RunHandlerAsync(IBackupStoredHandler handler, BackupManifest manifest, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.OnStoredAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.AfterStoredHandlerFailed(logger, manifest.Id, handler.GetType().Name, ex is OperationCanceledException ? "cancelled" : ex.Message);
            return manifest;
        }
    }

    // A backup refused because another one runs is not a failed backup, nor an incremental's schema
    // change that starts a new chain: nothing is recorded for them.
    private static bool IsFailure(BackupRun run, Exception error) =>
        error is not BackupInProgressException && !(error is SchemaChangedException && run.SchemaChangeStartsNewChain);

    private async Task RecordFailureAsync(BackupRunContext context, Exception error)
    {
        if (error is OperationCanceledException)
        {
            Log.BackupCancelled(logger, context.Id, (time.GetUtcNow() - context.StartedAt).TotalSeconds);
        }
        else
        {
            Log.BackupFailed(logger, context.Id, error.Message);
        }
        var manifest = new BackupManifest
        {
            Id = context.Id,
            Type = context.Run.Type,
            Status = BackupStatus.Failed,
            Database = context.Run.Database,
            LibraryVersion = ProductVersion.Value,
            StartedAt = context.StartedAt,
            CompletedAt = time.GetUtcNow(),
            Comment = context.Run.Comment,
            ScheduleId = context.Run.ScheduleId,
            Error = error is OperationCanceledException ? "cancelled" : error.Message,
        };
        foreach (var handler in failedHandlers)
        {
            handler.OnFailed(manifest);
        }
        try
        {
            // The record is for analytics; losing it must not hide the backup's own error.
            await catalog.SaveAsync(manifest, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BackupStorageException ex)
        {
            Log.FailureRecordNotStored(logger, context.Id, ex.Message);
        }
    }

    // Every end action runs (releasing a lock must not be skipped because dropping a slot failed);
    // the first failure is rethrown once all have run.
    private async Task EndAsync(BackupRunContext context, bool stored)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? first = null;
        foreach (var action in context.EndActions)
        {
            try
            {
                await action(stored).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                first ??= System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }
        running.Remove(context.Id);
        first?.Throw();
    }

    // Where the backup went and how fast, in units an operator reads (the manifest has the exact bytes).
    private void LogCompleted(BackupManifest manifest)
    {
        var duration = manifest.Duration ?? TimeSpan.Zero;
        var key = manifest.Content?.Key ?? BackupCatalog.ManifestKey(manifest.Id);
        if (manifest.Parts.Count > 0)
        {
            key += $" and {manifest.Parts.Count} part object(s)";
        }
        Log.BackupCompleted(logger, manifest.Id, StoreDescription.Of(pipeline.Storage), key,
            ByteSize.Format(manifest.RawBytes), ByteSize.Format(manifest.StoredBytes), duration.TotalSeconds, ByteSize.Rate(manifest.RawBytes, duration));
    }

    private static string TypeName(BackupType type) => type switch
    {
        BackupType.Full => "full",
        BackupType.Incremental => "incremental",
        _ => "files",
    };

    // The marks go into the one manifest write that commits the backup, so a stored backup never lacks them.
    private static IReadOnlyDictionary<string, string> WithMarks(IReadOnlyDictionary<string, string> properties, IReadOnlyDictionary<string, string> marks)
    {
        if (marks.Count == 0)
        {
            return properties;
        }
        var merged = new Dictionary<string, string>(properties, StringComparer.Ordinal);
        foreach (var (key, value) in marks)
        {
            merged[key] = value;
        }
        return merged;
    }
}
