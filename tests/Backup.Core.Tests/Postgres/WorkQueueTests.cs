using System.Collections.Concurrent;
using Backup.Core.Postgres;

namespace Backup.Core.Tests.Postgres;

public sealed class WorkQueueTests
{
    private sealed class Session : IAsyncDisposable
    {
        public static int Open;
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            Interlocked.Decrement(ref Open);
            return ValueTask.CompletedTask;
        }
    }

    private static Task<Session> OpenAsync(ConcurrentBag<Session> sessions)
    {
        var session = new Session();
        Interlocked.Increment(ref Session.Open);
        sessions.Add(session);
        return Task.FromResult(session);
    }

    [Fact]
    public async Task EveryItemRunsExactlyOnce_OnAtMostTheWorkerCountOfSessions_AllClosed()
    {
        var done = new ConcurrentDictionary<int, int>();
        var sessions = new ConcurrentBag<Session>();
        var running = 0;
        var peak = 0;

        await WorkQueue.RunAsync(Enumerable.Range(1, 50), 3, _ => OpenAsync(sessions), async (_, item, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(1, ct);
            done.AddOrUpdate(item, 1, (_, n) => n + 1);
            Interlocked.Decrement(ref running);
        }, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 50), done.Keys.Order());
        Assert.All(done.Values, n => Assert.Equal(1, n));
        Assert.InRange(sessions.Count, 1, 3);
        Assert.InRange(peak, 1, 3);
        Assert.All(sessions, s => Assert.True(s.Disposed));
    }

    [Fact]
    public async Task FirstFailureInTime_IsThrown_NotTheSiblingsCutOffError_AndSiblingsStop()
    {
        var sessions = new ConcurrentBag<Session>();
        var started = new ConcurrentBag<int>();
        var siblingStopped = new TaskCompletionSource();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WorkQueue.RunAsync(Enumerable.Range(1, 100), 2, _ => OpenAsync(sessions), async (_, item, ct) =>
        {
            started.Add(item);
            if (item == 1)
            {
                // The long sibling: stopped by the failure, it fails with an error of its own (as a cut-off COPY does).
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    siblingStopped.SetResult();
                    throw new IOException("cut off");
                }
            }
            await Task.Delay(5, CancellationToken.None);
            if (item == 2)
            {
                throw new InvalidOperationException("the cause");
            }
        }, CancellationToken.None));

        Assert.Equal("the cause", error.Message);
        Assert.True(siblingStopped.Task.IsCompleted);
        Assert.Equal([1, 2], started.Order());
        Assert.All(sessions, s => Assert.True(s.Disposed));
    }

    [Fact]
    public async Task FailureOpeningASession_IsThrown()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => WorkQueue.RunAsync<int, Session>([1, 2, 3], 2, _ => throw new TimeoutException("no connection"), (_, _, _) => Task.CompletedTask, CancellationToken.None));

        Assert.Equal("no connection", error.Message);
    }

    [Fact]
    public async Task NoItems_OpensNoSession()
    {
        var sessions = new ConcurrentBag<Session>();

        await WorkQueue.RunAsync(Array.Empty<int>(), 4, _ => OpenAsync(sessions), (_, _, _) => Task.CompletedTask, CancellationToken.None);

        Assert.Empty(sessions);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
