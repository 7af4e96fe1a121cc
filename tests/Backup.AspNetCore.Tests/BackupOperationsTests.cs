using Backup.Core.OperationRecords;
using Backup.Core.Operations;
using Backup.Core.Storage;
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

    [Fact]
    public async Task FastFailure_WhileItsFirstRecordWriteIsSlow_EndsFailedInTheStore_NotRunning()
    {
        using var root = new TempDirectory();
        var storage = new HeldFirstPutStorage(new LocalStorageProvider(new LocalStorageOptions { RootPath = root.Path }));
        var records = new OperationRecordStore(storage, time: _time);
        var operations = new BackupOperations(_time, new Lifetime(), records: records);

        var operation = operations.Start("full", (_, _) => Task.FromException<object?>(new InvalidOperationException("boom")));
        await WaitUntilAsync(() => operation.CompletedAt is not null);
        // Before the fix the final write landed here, and the held first one over it.
        await Task.Delay(200);
        storage.Release();
        await WaitUntilAsync(() => storage.Stored == 2);

        Assert.Equal(OperationStatus.Failed, (await records.GetAsync(operation.Id, TimeSpan.FromDays(1)))!.Status);
    }

    [Fact]
    public async Task FinalRecordWrite_ThatFails_IsTriedAgain()
    {
        using var root = new TempDirectory();
        var storage = new HeldFirstPutStorage(new LocalStorageProvider(new LocalStorageOptions { RootPath = root.Path }), failuresAfterFirst: 2);
        storage.Release();
        var records = new OperationRecordStore(storage, time: _time);
        var operations = new BackupOperations(_time, new Lifetime(), records: records);

        var operation = operations.Start("full", (_, _) => Task.FromResult<object?>("done"));
        for (var i = 0; i < 200 && storage.Stored < 2; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.Equal(OperationStatus.Succeeded, (await records.GetAsync(operation.Id, TimeSpan.FromDays(1)))!.Status);
    }

    [Fact]
    public async Task LateProgressReports_NeverUndoTheEnd()
    {
        var operations = new BackupOperations(_time, new Lifetime());
        var ended = new List<BackupOperation>();
        for (var i = 0; i < 50; i++)
        {
            ended.Add(operations.Start("restore", (p, _) =>
            {
                for (var r = 0; r < 200; r++)
                {
                    p.Report(new BackupProgress("restoring", r) { Total = 1000 });
                }
                return Task.FromResult<object?>(null);
            }));
        }
        await WaitUntilAsync(() => ended.All(o => o.CompletedAt is not null));
        await Task.Delay(200);

        Assert.All(ended, o => Assert.Equal(100, o.Percent));
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
