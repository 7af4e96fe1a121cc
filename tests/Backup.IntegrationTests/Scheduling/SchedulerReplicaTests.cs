using System.Collections.Concurrent;
using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Postgres;
using Backup.Core.Scheduling;
using Backup.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Backup.IntegrationTests.Scheduling;

/// <summary>Schedulers of several replicas sharing one database and one store: every occurrence runs once.</summary>
public sealed class SchedulerReplicaTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_sched_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
    }

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(_database);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task TwoReplicas_OnOneDatabase_RunEachOccurrenceOnce()
    {
        var start = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var runs = new ConcurrentQueue<(string Replica, string ScheduleId)>();
        var replicas = new[] { "a", "b" }.Select(name =>
        {
            var time = new FakeTimeProvider(start);
            var backup = new BackupOptions();
            backup.Schedules.Add(new BackupSchedule { Id = "often", Name = "often", CronExpression = "*/10 * * * *" });
            var scheduler = new BackupScheduler(
                Microsoft.Extensions.Options.Options.Create(backup), Microsoft.Extensions.Options.Options.Create(new SchedulerOptions()),
                new LocalStorageProvider(new LocalStorageOptions { RootPath = _store.Path, FlushToDisk = false }),
                new SlowRunner(name, runs), new PostgresScheduleRunLock(PostgresConnectionInfo.Parse(TestServer.ConnectionString(_database))),
                time, NullLogger<BackupScheduler>.Instance);
            return (Time: time, Scheduler: scheduler);
        }).ToList();
        foreach (var (_, scheduler) in replicas)
        {
            await scheduler.StartAsync(CancellationToken.None);
            await scheduler.ListSchedulesAsync().ToListAsync();
        }

        for (var step = 1; step <= 3; step++)
        {
            // Both clocks reach the occurrence together; both schedulers fire it.
            var occurrence = start.AddMinutes(10 * step);
            foreach (var (time, _) in replicas)
            {
                time.Advance(TimeSpan.FromMinutes(10));
            }
            // Wait for both to have fired and finished, not a fixed time: on a busy machine a scheduler
            // may arm its timer only after the clock moved (then it waits for the next move), and a run
            // may outlast a fixed sleep (the next occurrence would then be skipped as an overlap).
            await WaitUntilAsync(
                () => replicas.All(r => r.Scheduler.GetDetailedStatus().Schedules.Single() is { Running: false } s && s.NextRun > occurrence),
                // Time goes on while waiting, as it does: 0.1 s per poll, never as far as the next occurrence.
                () => replicas.ForEach(r => r.Time.Advance(TimeSpan.FromMilliseconds(100))));
            Assert.Equal(step, runs.Count);
        }
        foreach (var (_, scheduler) in replicas)
        {
            await scheduler.StopAsync(CancellationToken.None);
            scheduler.Dispose();
        }

        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal("often", r.ScheduleId));
    }

    [Fact]
    public async Task ScheduleFromBackupSchedules_ForceRun_MakesARealBackupThroughTheHostWiring()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null, b => b.Configure(o =>
            o.Schedules.Add(new BackupSchedule { Id = "nightly", Name = "Nightly", CronExpression = "0 2 * * *", Options = new BackupScheduleOptions { Comment = "scheduled", RetentionDays = 3 } })));
        var scheduler = provider.GetRequiredService<IScheduler>();

        var id = await scheduler.ForceRunScheduleAsync("nightly");
        var backup = await provider.Service().GetBackupAsync(id);

        Assert.Equal((BackupType.Full, "nightly", "scheduled"), (backup.Type, backup.ScheduleId!, backup.Comment!));
        var status = scheduler.GetDetailedStatus().Schedules.Single();
        Assert.Equal((true, id), (status.State.LastSucceeded!.Value, status.State.LastResult!));
        var plan = await provider.Service().CleanupOldBackupsAsync(dryRun: true, new Dictionary<string, int> { ["nightly"] = 3 });
        Assert.Contains(plan.Kept, k => k.Backup.Id == id);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Action tick)
    {
        // 3,000 polls of 0.1 s of the fake clock: five minutes of it, still before the next occurrence
        // (ten minutes on), and 150 s of real time for a run on a machine busy with the other test classes.
        for (var poll = 0; !condition(); poll++)
        {
            Assert.True(poll < 3000, "the schedulers did not fire and finish the occurrence within 3,000 polls");
            await Task.Delay(50);
            tick();
        }
    }

    /// <summary>Takes a moment, so that the other replica tries while it runs.</summary>
    private sealed class SlowRunner(string replica, ConcurrentQueue<(string, string)> runs) : IScheduledBackupRunner
    {
        public async Task<string> RunAsync(ScheduledRun run, CancellationToken cancellationToken)
        {
            runs.Enqueue((replica, run.Schedule.Id));
            await Task.Delay(300, cancellationToken);
            return replica + "-" + runs.Count;
        }
    }
}
