using System.Runtime.ExceptionServices;

namespace Backup.Core.Postgres;

/// <summary>
/// Tasks that run together and fail together: the first to fail stops the others (through
/// <c>stop</c>, which they all watch), and once all have ended its error is the one thrown. A
/// sibling stopped this way often fails with something other than a cancellation (a COPY cut off
/// mid-write is an I/O error), so "first" means first in time, not first in the list.
/// </summary>
internal static class Siblings
{
    public static async Task WhenAllAsync(CancellationTokenSource stop, params Task[] tasks)
    {
        Exception? first = null;
        async Task WatchAsync(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (!stop.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref first, ex, null);
                }
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }
        try
        {
            await Task.WhenAll(tasks.Select(WatchAsync)).ConfigureAwait(false);
        }
        catch (Exception) when (first is not null)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }
}
