using System.Collections.Concurrent;
using Backup.Core.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.AspNetCore;

/// <summary>
/// The operations this process runs for the API. They live in memory: a restart forgets them
/// (the backups they made are in the catalog), and so does <see cref="BackupOperationsOptions.Retention"/>
/// after they end. They stop when the host stops.
/// </summary>
public sealed class BackupOperations(TimeProvider time, IHostApplicationLifetime lifetime, IOptions<BackupOperationsOptions>? options = null, ILogger<BackupOperations>? logger = null)
{
    private readonly ConcurrentDictionary<string, BackupOperation> _operations = new(StringComparer.Ordinal);
    private readonly BackupOperationsOptions _options = options?.Value ?? new BackupOperationsOptions();
    private readonly ILogger _logger = logger ?? NullLogger<BackupOperations>.Instance;

    /// <summary>Starts <paramref name="work"/> in the background and returns its operation at once.</summary>
    public BackupOperation Start(string kind, Func<IProgress<BackupProgress>, CancellationToken, Task<object?>> work)
    {
        Evict(room: 1);
        var operation = new BackupOperation { Id = Guid.NewGuid().ToString("N"), Kind = kind, StartedAt = time.GetUtcNow() };
        _operations[operation.Id] = operation;
        var progress = new Progress<BackupProgress>(p =>
        {
            operation.Phase = p.Phase;
            operation.Bytes = p.Bytes;
        });
        _ = Task.Run(async () =>
        {
            try
            {
                operation.Result = await work(progress, lifetime.ApplicationStopping).ConfigureAwait(false);
                operation.Status = "succeeded";
            }
            catch (Exception ex)
            {
                var (status, details) = BackupProblems.For(ex);
                if (BackupProblems.HidesMessage(ex))
                {
                    Log.OperationFailed(_logger, ex, operation.Id, kind, status);
                }
                operation.Error = details;
                operation.Status = "failed";
            }
            operation.CompletedAt = time.GetUtcNow();
        }, CancellationToken.None);
        return operation;
    }

    /// <summary>The operation with that id, or null (unknown, or finished longer ago than the retention).</summary>
    public BackupOperation? Get(string id)
    {
        Evict(room: 0);
        return _operations.GetValueOrDefault(id);
    }

    /// <summary>Every operation kept, newest first (the dashboard shows the running ones and the recent results).</summary>
    internal IReadOnlyList<BackupOperation> List()
    {
        Evict(room: 0);
        return [.. _operations.Values.OrderByDescending(o => o.StartedAt)];
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
