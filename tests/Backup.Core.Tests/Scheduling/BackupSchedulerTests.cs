using Backup.Core.Abstractions;
using Backup.Core.Scheduling;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Scheduling;

public sealed class BackupSchedulerTests
{
    private readonly MemoryStorageProvider _store = new();
    private readonly FakeTimeProvider _time = new(SchedulerHarness.Start);

    [Fact]
    public void NextOccurrences_AcrossDaylightSavingChanges_InBerlin()
    {
        var cron = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        // 29 March 2026: 02:00 becomes 03:00, so 02:30 does not exist: the run happens at the change.
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T03:00:00+02:00", System.Globalization.CultureInfo.InvariantCulture), cron.Next(DateTimeOffset.Parse("2026-03-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        // 25 October 2026: 02:30 happens twice; it runs once, at the first.
        var first = cron.Next(DateTimeOffset.Parse("2026-10-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture))!.Value;
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T02:30:00+02:00", System.Globalization.CultureInfo.InvariantCulture), first);
        Assert.Equal(DateTimeOffset.Parse("2026-10-26T02:30:00+01:00", System.Globalization.CultureInfo.InvariantCulture), cron.Next(first));
        // Six fields: seconds first.
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T00:00:15Z", System.Globalization.CultureInfo.InvariantCulture), CronSchedule.Parse("15 * * * * *", null).Next(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("61 * * * *", null, "cronExpression")]
    [InlineData("not cron", null, "cronExpression")]
    [InlineData("", null, "cronExpression")]
    [InlineData("0 2 * * *", "Mars/Olympus", "timeZone")]
    public async Task InvalidSchedule_IsRefusedNamingTheField(string cron, string? zone, string field)
    {
        await using var harness = new SchedulerHarness(_time, _store, new RecordingRunner(_time));

        var error = await Assert.ThrowsAsync<BackupConfigurationException>(() => harness.Scheduler.CreateScheduleAsync(Schedule("s", cron) with { TimeZone = zone }));

        Assert.Equal(field, error.Setting);
        Assert.Empty(await harness.Scheduler.ListSchedulesAsync().ToListAsync());
    }

    [Fact]
    public async Task InvalidOptions_AreRefusedNamingTheField()
    {
        await using var harness = new SchedulerHarness(_time, _store, new RecordingRunner(_time));

        var files = await Assert.ThrowsAsync<BackupConfigurationException>(() => harness.Scheduler.CreateScheduleAsync(Schedule("f", "0 * * * *") with { Type = BackupType.Files }));
        var retention = await Assert.ThrowsAsync<BackupConfigurationException>(() => harness.Scheduler.CreateScheduleAsync(Schedule("r", "0 * * * *") with { Options = new() { RetentionDays = 0 } }));
        var id = await Assert.ThrowsAsync<BackupConfigurationException>(() => harness.Scheduler.CreateScheduleAsync(Schedule("../x", "0 * * * *")));

        Assert.Equal(("options.directories", "options.retentionDays", "id"), (files.Setting, retention.Setting, id.Setting));
    }

    [Fact]
    public async Task SimulatedDay_FiresExactlyTheExpectedRuns()
    {
        await using var harness = new SchedulerHarness(_time, _store, new RecordingRunner(_time), null,
            Schedule("every-6h", "0 */6 * * *"),
            Schedule("berlin-night", "30 1 * * *") with { TimeZone = "Europe/Berlin" },
            Schedule("off", "* * * * *") with { Enabled = false });
        await harness.StartAsync();

        await harness.AdvanceAsync(TimeSpan.FromHours(24), TimeSpan.FromMinutes(10));

        var calls = harness.Runner.Calls;
        Assert.Equal(["2026-03-28T18:00:00Z", "2026-03-29T00:00:00Z", "2026-03-29T06:00:00Z", "2026-03-29T12:00:00Z"],
            calls.Where(c => c.ScheduleId == "every-6h").Select(c => c.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        // 01:30 in Berlin on 29 March (still winter time, +01:00) is 00:30 UTC.
        Assert.Equal([new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.Zero)], calls.Where(c => c.ScheduleId == "berlin-night").Select(c => c.At));
        Assert.DoesNotContain(calls, c => c.ScheduleId == "off");
        var stats = harness.Scheduler.GetSchedulerStats();
        Assert.Equal((3, 2, new DateTimeOffset(2026, 3, 29, 18, 0, 0, TimeSpan.Zero)), (stats.TotalSchedules, stats.ActiveSchedules, stats.NextScheduledBackup!.Value));
    }

    [Fact]
    public async Task RunStillGoingAtItsNextTime_IsSkippedAndCounted_NotDoubled()
    {
        var runner = new RecordingRunner(_time);
        await using var harness = new SchedulerHarness(_time, _store, runner, null, Schedule("often", "*/10 * * * *"));
        await harness.StartAsync();
        runner.Hold();

        await harness.AdvanceAsync(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(10));
        var whileRunning = harness.Scheduler.GetDetailedStatus().Schedules.Single();
        runner.ReleaseAll();
        await harness.SettleAsync();
        await harness.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

        Assert.True(whileRunning.Running);
        Assert.Equal(1, whileRunning.State.SkippedOverlaps);
        Assert.Equal(2, runner.Calls.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 12, 30, 0, TimeSpan.Zero), runner.Calls[1].At);
    }

    [Fact]
    public async Task Restart_CatchesUpOneMissedRunWithinTheGrace_AndSkipsOlderOnes()
    {
        var daily = Schedule("daily", "0 2 * * *");
        await using (var first = new SchedulerHarness(_time, _store, new RecordingRunner(_time), null, daily))
        {
            await first.StartAsync();
            await first.AdvanceAsync(TimeSpan.FromHours(15), TimeSpan.FromMinutes(30)); // 02:00 on the 29th runs
            Assert.Single(first.Runner.Calls);
        }
        _time.Advance(TimeSpan.FromHours(23.5)); // the host is down over 02:00 on the 30th; it starts at 02:30
        var caughtUp = new RecordingRunner(_time);
        await using (var second = new SchedulerHarness(_time, _store, caughtUp, new SchedulerOptions { CatchUpGrace = TimeSpan.FromHours(1) }, daily))
        {
            await second.StartAsync();
            await second.SettleAsync();
            Assert.Single(caughtUp.Calls);
        }
        _time.Advance(TimeSpan.FromDays(3) + TimeSpan.FromHours(2)); // down over three more runs; the latest missed one is 2.5 hours old, past the grace
        var late = new RecordingRunner(_time);
        await using var third = new SchedulerHarness(_time, _store, late, new SchedulerOptions { CatchUpGrace = TimeSpan.FromHours(1) }, daily);
        await third.StartAsync();
        await third.SettleAsync();

        Assert.Empty(late.Calls);
        Assert.Equal(1, third.Scheduler.GetDetailedStatus().Schedules.Single().State.MissedRuns);
    }

    [Fact]
    public async Task Shutdown_WaitsForARunningBackup_ThenCancelsItAfterTheTimeout()
    {
        var runner = new RecordingRunner(_time);
        var harness = new SchedulerHarness(_time, _store, runner, new SchedulerOptions { ShutdownTimeout = TimeSpan.FromMinutes(5) }, Schedule("s", "*/10 * * * *"));
        await harness.StartAsync();
        runner.Hold();
        await harness.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

        var stopping = harness.Scheduler.StopAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted, "stopping must wait for the running backup");
        _time.Advance(TimeSpan.FromMinutes(5));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(runner.SawCancellation);
        var state = await new ScheduleStore(_store).LoadStateAsync("s", CancellationToken.None);
        Assert.Equal((false, "cancelled at shutdown"), (state.LastSucceeded, state.LastResult));
        harness.Scheduler.Dispose();
    }

    [Fact]
    public async Task RunTimeChanges_SurviveARestart_AndWinOverConfiguration()
    {
        var configured = new[] { Schedule("nightly", "0 2 * * *"), Schedule("hourly", "0 * * * *") };
        await using (var first = new SchedulerHarness(_time, _store, new RecordingRunner(_time), null, configured))
        {
            await first.Scheduler.UpdateScheduleAsync(configured[0] with { CronExpression = "0 3 * * *" });
            await first.Scheduler.DisableScheduleAsync("nightly");
            Assert.True(await first.Scheduler.DeleteScheduleAsync("hourly"));
            await first.Scheduler.CreateScheduleAsync(Schedule("weekly", "0 4 * * 0"));
            var duplicate = await Assert.ThrowsAsync<BackupConfigurationException>(() => first.Scheduler.CreateScheduleAsync(Schedule("weekly", "0 4 * * 0")));
            Assert.Equal("id", duplicate.Setting);
            Assert.False(await first.Scheduler.DeleteScheduleAsync("never-was"));
            await Assert.ThrowsAsync<ScheduleNotFoundException>(() => first.Scheduler.EnableScheduleAsync("never-was"));
        }

        await using var restarted = new SchedulerHarness(_time, _store, new RecordingRunner(_time), null, configured);
        var schedules = await restarted.Scheduler.ListSchedulesAsync().ToListAsync();

        Assert.Equal(["nightly", "weekly"], schedules.Select(s => s.Id));
        Assert.Equal(("0 3 * * *", false), (schedules[0].CronExpression, schedules[0].Enabled));
        Assert.Null(await restarted.Scheduler.GetScheduleAsync("hourly"));
    }

    [Fact]
    public async Task ForceRun_RunsNow_AndFailuresInARowMakeTheScheduleUnhealthy()
    {
        var runner = new RecordingRunner(_time);
        await using var harness = new SchedulerHarness(_time, _store, runner, new SchedulerOptions { FailuresBeforeUnhealthy = 2 }, Schedule("s", "0 2 * * *"));

        var id = await harness.Scheduler.ForceRunScheduleAsync("s");
        runner.FailWith = new BackupException("the database is down");
        await Assert.ThrowsAsync<BackupException>(() => harness.Scheduler.ForceRunScheduleAsync("s"));
        var afterOne = harness.Scheduler.GetDetailedStatus();
        await Assert.ThrowsAsync<BackupException>(() => harness.Scheduler.ForceRunScheduleAsync("s"));
        var afterTwo = harness.Scheduler.GetDetailedStatus();

        Assert.Equal("backup-s-1", id);
        Assert.True(afterOne.IsHealthy);
        Assert.False(afterTwo.IsHealthy);
        Assert.Contains("failed 2 times in a row; last: the database is down", afterTwo.Schedules.Single().Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScheduleThatDidNotRun_IsOverdue()
    {
        await using var harness = new SchedulerHarness(_time, _store, new RecordingRunner(_time), new SchedulerOptions { Enabled = false, OverdueAfter = TimeSpan.FromMinutes(15) }, Schedule("s", "0 * * * *"));
        await harness.Scheduler.ListSchedulesAsync().ToListAsync();

        _time.Advance(TimeSpan.FromMinutes(80));
        var status = harness.Scheduler.GetDetailedStatus();

        Assert.False(status.IsHealthy);
        Assert.StartsWith("overdue: the run due at 2026-03-28 13:00:00Z", status.Schedules.Single().Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_HandsTheRunnerEveryScheduleRetentionDays_ConfiguredAndCreatedAtRunTime()
    {
        var runner = new RecordingRunner(_time);
        await using var harness = new SchedulerHarness(_time, _store, runner, null,
            Schedule("kept-3", "0 2 * * *") with { Options = new() { RetentionDays = 3 } },
            Schedule("global", "0 3 * * *"));
        await harness.Scheduler.CreateScheduleAsync(Schedule("kept-7", "0 4 * * *") with { Options = new() { RetentionDays = 7 } });

        await harness.Scheduler.ForceRunScheduleAsync("global");

        var given = Assert.Single(runner.RetentionGiven);
        Assert.Equal([("kept-3", 3), ("kept-7", 7)], given.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)));
    }

    private static BackupSchedule Schedule(string id, string cron) => new() { Id = id, Name = id, CronExpression = cron };
}
