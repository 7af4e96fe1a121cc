using System.Collections.Concurrent;
using Backup.Core.Operations;
using Microsoft.Extensions.Hosting;

namespace Backup.AspNetCore;

/// <summary>
/// The operations this process runs for the API. They live in memory: a restart forgets them
/// (the backups they made are in the catalog). They stop when the host stops.
/// </summary>
public sealed class BackupOperations(TimeProvider time, IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, BackupOperation> _operations = new(StringComparer.Ordinal);

    /// <summary>Starts <paramref name="work"/> in the background and returns its operation at once.</summary>
    public BackupOperation Start(string kind, Func<IProgress<BackupProgress>, CancellationToken, Task<object?>> work)
    {
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
                operation.Error = BackupProblems.For(ex).Details;
                operation.Status = "failed";
            }
            operation.CompletedAt = time.GetUtcNow();
        }, CancellationToken.None);
        return operation;
    }

    /// <summary>The operation with that id, or null.</summary>
    public BackupOperation? Get(string id) => _operations.GetValueOrDefault(id);
}
