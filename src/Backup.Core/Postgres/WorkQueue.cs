using System.Collections.Concurrent;

namespace Backup.Core.Postgres;

/// <summary>
/// Runs items on a fixed number of workers, each with a session of its own (opened once, used for
/// many items). The first failure stops the others and is the one thrown: a part that failed must
/// not leave its siblings running against a target about to be dropped.
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
        Exception? first = null;
        async Task WorkerAsync()
        {
            try
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
            catch (Exception ex)
            {
                // Siblings stopped by this failure fail too, often not as a cancellation (a COPY cut off
                // mid-write is an I/O error): the failure that came first in time is the cause.
                if (!stop.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref first, ex, null);
                }
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }
        var running = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => WorkerAsync()).ToList();
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception) when (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }
}
