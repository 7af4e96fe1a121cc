using Backup.Core.Abstractions;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Scheduling;

/// <summary>Two replicas sharing a store: a schedule disabled or deleted on one does not run on the other.</summary>
public sealed class ScheduleChangedElsewhereTests
{
    private readonly MemoryStorageProvider _store = new();
    private readonly FakeTimeProvider _time = new(SchedulerHarness.Start);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Schedule_DisabledOrDeletedOnAnotherReplica_DoesNotRunHere(bool delete)
    {
        var hourly = new BackupSchedule { Id = "hourly", Name = "hourly", CronExpression = "0 * * * *" };
        await using var here = new SchedulerHarness(_time, _store, new RecordingRunner(_time), null, hourly);
        await using var there = new SchedulerHarness(_time, _store, new RecordingRunner(_time), null, hourly);
        await here.StartAsync();
        await there.StartAsync();

        if (delete)
        {
            await there.Scheduler.DeleteScheduleAsync("hourly");
        }
        else
        {
            await there.Scheduler.DisableScheduleAsync("hourly");
        }
        for (var i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(15));
            await here.SettleAsync();
            await there.SettleAsync();
        }

        Assert.Empty(here.Runner.Calls);
        Assert.Empty(there.Runner.Calls);
        // This replica now follows the store.
        var mine = await here.Scheduler.GetScheduleAsync("hourly");
        Assert.True(delete ? mine is null : mine is { Enabled: false });
    }
}
