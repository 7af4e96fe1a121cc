using System.Collections.Concurrent;

namespace Backup.Core.Postgres;

/// <summary>
/// Runs items on a fixed number of workers, each with a session of its own (opened once, used for
/// many items). The first failure stops the others and is the one thrown (<see cref="Siblings"/>):
/// a part that failed must not leave its siblings running against a target about to be dropped.
/// </summary>
internal static class WorkQueue
{
    public static async Task RunAsync<TItem, TSession>(
        IEnumerable<TItem> items,
        int workers,
        Func<CancellationToken, Task<TSession>> openSession,
        Func<TSession, TItem, CancellationToken, Task> work,
        CancellationToken cancellationToken)
        where TSession : IAsyncDisposable
    {
        var queue = new ConcurrentQueue<TItem>(items);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task WorkerAsync()
        {
            if (queue.IsEmpty)
            {
                return;
            }
            var session = await openSession(stop.Token).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                while (queue.TryDequeue(out var item))
                {
                    await work(session, item, stop.Token).ConfigureAwait(false);
                }
            }
        }
        await Siblings.WhenAllAsync(stop, [.. Enumerable.Range(0, Math.Max(1, workers)).Select(_ => WorkerAsync())]).ConfigureAwait(false);
    }
}
