using System.Collections.Concurrent;

namespace Backup.Core.Scheduling;

/// <summary>The lock when there is no database to coordinate through (file backups only): one process, one run at a time per schedule.</summary>
internal sealed class InProcessScheduleRunLock : IScheduleRunLock
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public Task<IAsyncDisposable?> TryAcquireAsync(string scheduleId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(scheduleId, _ => new SemaphoreSlim(1, 1));
        return Task.FromResult<IAsyncDisposable?>(gate.Wait(0, CancellationToken.None) ? new Release(gate) : null);
    }

    private sealed class Release(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
