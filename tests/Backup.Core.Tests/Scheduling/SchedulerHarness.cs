using System.Collections.Concurrent;
using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Scheduling;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Scheduling;

/// <summary>A scheduler on fake time and an in-memory store, whose "backups" are recorded (and can be held open).</summary>
internal sealed class SchedulerHarness : IAsyncDisposable
{
    public SchedulerHarness(FakeTimeProvider time, MemoryStorageProvider store, RecordingRunner runner, SchedulerOptions? options = null, params BackupSchedule[] configured)
    {
        Time = time;
        Runner = runner;
        var backup = new BackupOptions();
        foreach (var schedule in configured)
        {
            backup.Schedules.Add(schedule);
        }
        Scheduler = new BackupScheduler(
            Microsoft.Extensions.Options.Options.Create(backup), Microsoft.Extensions.Options.Options.Create(options ?? new SchedulerOptions()), store, runner,
            new InProcessScheduleRunLock(), time, NullLogger<BackupScheduler>.Instance);
    }

    public FakeTimeProvider Time { get; }

    public RecordingRunner Runner { get; }

    public BackupScheduler Scheduler { get; }

    public static DateTimeOffset Start => new(2026, 3, 28, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Starts the hosted service and waits until it has loaded its schedules (so "now" is the fake start).</summary>
    public async Task StartAsync()
    {
        await Scheduler.StartAsync(CancellationToken.None);
        await Scheduler.ListSchedulesAsync().ToListAsync();
        await SettleAsync();
    }

    /// <summary>Moves time forward in steps, letting the scheduler act at each step.</summary>
    public async Task AdvanceAsync(TimeSpan total, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
        {
            Time.Advance(step);
            await SettleAsync();
        }
    }

    /// <summary>Waits until the scheduler has looked at the current time (its next run is in the future) and started what was due.</summary>
    public async Task SettleAsync()
    {
        for (var i = 0; i < 400; i++)
        {
            await Task.Delay(5);
            var next = Scheduler.GetSchedulerStats().NextScheduledBackup;
            var running = Scheduler.GetDetailedStatus().Schedules.Any(x => x.Running);
            if ((next is null || next > Time.GetUtcNow()) && (!running || Runner.IsHolding))
            {
                await Task.Delay(5);
                return;
            }
        }
        throw new TimeoutException("the scheduler did not catch up with the fake clock");
    }

    public async ValueTask DisposeAsync()
    {
        Runner.ReleaseAll();
        await Scheduler.StopAsync(CancellationToken.None);
        Scheduler.Dispose();
    }
}

/// <summary>Records each run (schedule and fake time) and, when told to, holds runs open until released or cancelled.</summary>
internal sealed class RecordingRunner(TimeProvider time) : IScheduledBackupRunner
{
    private readonly ConcurrentQueue<(string ScheduleId, DateTimeOffset At)> _calls = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, int>> _retention = new();
    private TaskCompletionSource _gate = Open();
    private int _started;

    public IReadOnlyList<(string ScheduleId, DateTimeOffset At)> Calls => [.. _calls];

    /// <summary>Runs that have begun (recorded as soon as they start).</summary>
    public int Started => Volatile.Read(ref _started);

    public bool SawCancellation { get; private set; }

    public Exception? FailWith { get; set; }

    /// <summary>Runs are being held open (so a running schedule is expected, not a sign of unsettled work).</summary>
    public bool IsHolding => !_gate.Task.IsCompleted;

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseAll() => _gate.TrySetResult();

    /// <summary>The retention days per schedule each run was given, in the order of the runs.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, int>> RetentionGiven => [.. _retention];

    public async Task<string> RunAsync(ScheduledRun run, CancellationToken cancellationToken)
    {
        var schedule = run.Schedule;
        _retention.Enqueue(run.RetentionDaysBySchedule());
        _calls.Enqueue((schedule.Id, time.GetUtcNow()));
        Interlocked.Increment(ref _started);
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            SawCancellation = true;
            throw;
        }
        if (FailWith is { } error)
        {
            throw error;
        }
        return $"backup-{schedule.Id}-{_calls.Count}";
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
