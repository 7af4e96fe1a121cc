using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Backup.AspNetCore.Tests;

/// <summary>Finished operations are forgotten after the retention, and past the cap; running ones never.</summary>
public sealed class BackupOperationsTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task FinishedOperation_IsForgottenAfterTheRetention_ARunningOneIsKept()
    {
        var operations = new BackupOperations(_time, new Lifetime(), Options.Create(new BackupOperationsOptions { Retention = TimeSpan.FromHours(1) }));
        var never = new TaskCompletionSource<object?>();
        var finished = operations.Start("full", (_, _) => Task.FromResult<object?>("done"));
        var running = operations.Start("full", (_, _) => never.Task);
        await WaitUntilAsync(() => finished.CompletedAt is not null);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(operations.Get(finished.Id));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(operations.Get(finished.Id));
        Assert.NotNull(operations.Get(running.Id));
    }

    [Fact]
    public async Task PastTheCap_TheOldestFinishedOperationsAreForgotten()
    {
        var operations = new BackupOperations(_time, new Lifetime(), Options.Create(new BackupOperationsOptions { MaxCount = 3 }));
        var started = new List<BackupOperation>();
        for (var i = 0; i < 5; i++)
        {
            var operation = operations.Start("full", (_, _) => Task.FromResult<object?>(null));
            await WaitUntilAsync(() => operation.CompletedAt is not null);
            _time.Advance(TimeSpan.FromSeconds(1));
            started.Add(operation);
        }

        Assert.Equal([false, false, true, true, true], started.Select(o => operations.Get(o.Id) is not null));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
