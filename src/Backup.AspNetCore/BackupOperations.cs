using System.Collections.Concurrent;
using Backup.Core.OperationRecords;
using Backup.Core.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.AspNetCore;

/// <summary>
/// The operations the API runs. Each runs in the process that started it; with an
/// <see cref="OperationRecordStore"/> (registered by <c>AddBackupSystem</c>) its state is written to
/// the backup store at the start, every <see cref="BackupOperationsOptions.HeartbeatInterval"/> and at
/// the end, so every replica behind a load balancer can read, list and cancel it; without one they
/// live in this process's memory only. Finished ones are forgotten after
/// <see cref="BackupOperationsOptions.Retention"/>. They stop when the host stops.
/// </summary>
public sealed class BackupOperations(
    TimeProvider time, IHostApplicationLifetime lifetime, IOptions<BackupOperationsOptions>? options = null, ILogger<BackupOperations>? logger = null, OperationRecordStore? records = null)
{
    private const int FinalSaveAttempts = 4;
    private readonly ConcurrentDictionary<string, BackupOperation> _operations = new(StringComparer.Ordinal);
    private readonly BackupOperationsOptions _options = options?.Value ?? new BackupOperationsOptions();
    private readonly ILogger _logger = logger ?? NullLogger<BackupOperations>.Instance;
    private DateTimeOffset _expiredAt = DateTimeOffset.MinValue;

    // For records that do not name their owner's interval (written before it was kept).
    private TimeSpan AbandonAfter => _options.HeartbeatInterval * OperationRecordStore.MissedHeartbeats;

    /// <summary>Starts <paramref name="work"/> in the background and returns its operation at once.</summary>
    public BackupOperation Start(string kind, Func<IProgress<BackupProgress>, CancellationToken, Task<object?>> work)
    {
        Evict(room: 1);
        var cancellation = new CancellationTokenSource();
        var operation = new BackupOperation { Id = Guid.NewGuid().ToString("N"), Kind = kind, StartedAt = time.GetUtcNow(), Cancellation = cancellation };
        _operations[operation.Id] = operation;
        var progress = new Progress<BackupProgress>(p =>
        {
            // Reports are posted to the thread pool: one may arrive after the end, which it must not undo.
            lock (operation.Gate)
            {
                if (operation.Status != OperationStatus.Running)
                {
                    return;
                }
                operation.Phase = p.Phase;
                operation.Bytes = p.Bytes;
                operation.Total = p.Total;
                operation.Percent = p.Percent;
            }
        });
        operation.Recorded = SaveAsync(operation);
        _ = Task.Run(async () =>
        {
            // Only the link to the host's stopping is undone at the end: the token source stays usable for a late cancel.
            var stopping = lifetime.ApplicationStopping.Register(static c => ((CancellationTokenSource)c!).Cancel(), cancellation);
            using var stopHeartbeat = new CancellationTokenSource();
            var heartbeat = HeartbeatAsync(operation, stopHeartbeat.Token);
            try
            {
                var result = await work(progress, cancellation.Token).ConfigureAwait(false);
                lock (operation.Gate)
                {
                    operation.Result = result;
                    operation.Status = OperationStatus.Succeeded;
                    // Done is all of it, also where the last bytes were not reported (read past a recovery's target).
                    operation.Percent = operation.Total is null ? null : 100;
                    operation.CompletedAt = time.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (operation.CancelRequested)
            {
                End(operation, OperationStatus.Cancelled, new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "The operation was cancelled",
                    Detail = "A cancellation was asked for; what the operation had begun was undone or is left for cleanup.",
                    Type = "https://httpstatuses.io/409",
                });
                Log.OperationCancelled(_logger, operation.Id, kind);
            }
            catch (Exception ex)
            {
                var (status, details) = BackupProblems.For(ex);
                if (BackupProblems.HidesMessage(ex))
                {
                    Log.OperationFailed(_logger, ex, operation.Id, kind, status);
                }
                End(operation, OperationStatus.Failed, details);
            }
            await stopping.DisposeAsync().ConfigureAwait(false);
            await stopHeartbeat.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            // The final state is the last write: after the first (which a slow store may still be doing) and every heartbeat.
            await operation.Recorded.ConfigureAwait(false);
            await SaveFinalAsync(operation).ConfigureAwait(false);
        }, CancellationToken.None);
        return operation;
    }

    /// <summary>The operation with that id this process runs or ran, or null (unknown here, or finished longer ago than the retention).</summary>
    public BackupOperation? Get(string id)
    {
        Evict(room: 0);
        return _operations.GetValueOrDefault(id);
    }

    /// <summary>The operation with that id, run by this process or (read from the store) by another replica; null when there is none.</summary>
    public async Task<BackupOperation?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (Get(id) is { } local)
        {
            return local;
        }
        return records is null || await records.GetAsync(id, AbandonAfter, cancellationToken).ConfigureAwait(false) is not { } record
            ? null
            : BackupOperationRecords.FromRecord(record);
    }

    /// <summary>Every operation of every replica sharing the store (of <paramref name="status"/> when set), newest first; expired records are deleted on the way.</summary>
    public async Task<IReadOnlyList<BackupOperation>> ListAsync(string? status = null, CancellationToken cancellationToken = default)
    {
        Evict(room: 0);
        var all = new Dictionary<string, BackupOperation>(StringComparer.Ordinal);
        if (records is not null)
        {
            await ExpireAsync(cancellationToken).ConfigureAwait(false);
            foreach (var record in await records.ListAsync(null, AbandonAfter, cancellationToken).ConfigureAwait(false))
            {
                all[record.Id] = BackupOperationRecords.FromRecord(record);
            }
        }
        // This process's own are fresher than their last heartbeat.
        foreach (var (id, operation) in _operations)
        {
            all[id] = operation;
        }
        return [.. all.Values.Where(o => status is null || o.Status == status).OrderByDescending(o => o.StartedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Asks a running operation to stop: at once when this process runs it, else through the store,
    /// where its owner notices within a heartbeat. It then ends <c>cancelled</c>.
    /// </summary>
    /// <returns>The operation, or null when there is none.</returns>
    /// <exception cref="BackupRequestException">It has already ended (409).</exception>
    public async Task<BackupOperation?> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        var operation = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (operation is null)
        {
            return null;
        }
        if (operation.Status != OperationStatus.Running)
        {
            throw new BackupRequestException(StatusCodes.Status409Conflict, "The operation has ended", $"The operation '{id}' has already ended ({operation.Status}); there is nothing to cancel.");
        }
        operation.CancelRequested = true;
        if (operation.Cancellation is { } local)
        {
            await local.CancelAsync().ConfigureAwait(false);
        }
        else
        {
            await records!.RequestCancelAsync(id, cancellationToken).ConfigureAwait(false);
        }
        Log.OperationCancelRequested(_logger, id, operation.Kind);
        return operation;
    }

    /// <summary>Every operation this process keeps, newest first (the dashboard shows the running ones and the recent results).</summary>
    internal IReadOnlyList<BackupOperation> List()
    {
        Evict(room: 0);
        return [.. _operations.Values.OrderByDescending(o => o.StartedAt)];
    }

    // Writes the progress and the heartbeat, and looks for a cancellation asked for on another replica.
    private async Task HeartbeatAsync(BackupOperation operation, CancellationToken stop)
    {
        if (records is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (!operation.CancelRequested && await CancelAskedAsync(operation, stop).ConfigureAwait(false))
                {
                    operation.CancelRequested = true;
                    await operation.Cancellation!.CancelAsync().ConfigureAwait(false);
                }
                await SaveAsync(operation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The operation ended: its final state is written next.
            return;
        }
    }

    private async Task<bool> CancelAskedAsync(BackupOperation operation, CancellationToken stop)
    {
        try
        {
            return await records!.IsCancelRequestedAsync(operation.Id, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.OperationRecordFailed(_logger, ex, operation.Id);
            return false;
        }
    }

    private void End(BackupOperation operation, string status, Microsoft.AspNetCore.Mvc.ProblemDetails error)
    {
        lock (operation.Gate)
        {
            operation.Error = error;
            operation.Status = status;
            operation.CompletedAt = time.GetUtcNow();
        }
    }

    // Without its final state other replicas would show the operation abandoned and lose its result or error: worth a few tries.
    private async Task SaveFinalAsync(BackupOperation operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await SaveAsync(operation).ConfigureAwait(false))
            {
                return;
            }
            if (attempt == FinalSaveAttempts)
            {
                Log.OperationFinalRecordLost(_logger, operation.Id, operation.Kind, operation.Status, attempt);
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(attempt), time).ConfigureAwait(false);
        }
    }

    // A record that cannot be written costs other replicas the view of this operation, not the operation itself.
    // One write at a time, in order: a slow earlier write must not land over a later one.
    private async Task<bool> SaveAsync(BackupOperation operation)
    {
        if (records is null)
        {
            return true;
        }
        await operation.Saves.WaitAsync().ConfigureAwait(false);
        try
        {
            OperationRecord record;
            lock (operation.Gate)
            {
                record = BackupOperationRecords.ToRecord(operation, time.GetUtcNow(), _options.HeartbeatInterval);
            }
            await records.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            Log.OperationRecordFailed(_logger, ex, operation.Id);
            return false;
        }
        finally
        {
            operation.Saves.Release();
        }
    }

    // Reading every record is a listing's work anyway; more than once a minute (or a retention) it would only repeat itself.
    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var every = _options.Retention < TimeSpan.FromMinutes(1) ? _options.Retention : TimeSpan.FromMinutes(1);
        if (now - _expiredAt < every)
        {
            return;
        }
        _expiredAt = now;
        await records!.DeleteExpiredAsync(_options.Retention, AbandonAfter, cancellationToken).ConfigureAwait(false);
    }

    private void Evict(int room)
    {
        var expired = time.GetUtcNow() - _options.Retention;
        foreach (var (id, operation) in _operations)
        {
            if (operation.CompletedAt is { } completed && completed < expired)
            {
                _operations.TryRemove(id, out _);
            }
        }
        var excess = _operations.Count - _options.MaxCount + room;
        if (excess > 0)
        {
            foreach (var operation in _operations.Values.Where(o => o.CompletedAt is not null).OrderBy(o => o.CompletedAt).Take(excess))
            {
                _operations.TryRemove(operation.Id, out _);
            }
        }
    }
}
