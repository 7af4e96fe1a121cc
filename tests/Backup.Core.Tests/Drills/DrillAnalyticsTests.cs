using Backup.Core.Configuration;
using Backup.Core.Drills;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Drills;

/// <summary>Drill analytics from recorded drills (the records of real drills come from the integration tests).</summary>
public sealed class DrillAnalyticsTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Of_SuccessesAndAFailure_PointsOldestFirstWithSecondsPerGigabyteMediansAndRate()
    {
        var now = _time.GetUtcNow();
        DrillRecord[] drills =
        [
            // Newest first, as the store lists them.
            Record(now.AddDays(-1), success: true, bytes: 4_000_000_000, seconds: 100),
            Record(now.AddDays(-2), success: false, bytes: 2_000_000_000, seconds: 5),
            Record(now.AddDays(-3), success: true, bytes: 2_000_000_000, seconds: 80),
            Record(now.AddDays(-4), success: true, bytes: 1_000_000_000, seconds: 20),
        ];

        var analytics = DrillAnalytics.Of(drills);

        Assert.Equal((4, 3, 1, 0.75), (analytics.TotalDrills, analytics.SuccessfulDrills, analytics.FailedDrills, analytics.SuccessRate));
        Assert.Equal([drills[3].Id, drills[2].Id, drills[0].Id], analytics.RecoveryTimes.Select(p => p.Id));
        Assert.Equal([20.0, 40.0, 25.0], analytics.RecoveryTimes.Select(p => p.SecondsPerGigabyte));
        Assert.Equal([50.0, 25.0, 40.0], analytics.RecoveryTimes.Select(p => p.MegabytesPerSecond));
        Assert.Equal(25.0, analytics.MedianSecondsPerGigabyte);
        Assert.Equal(40.0, analytics.MedianMegabytesPerSecond);
        Assert.Equal(drills[0].Id, analytics.Latest!.Id);
        Assert.Equal(25.0, analytics.Latest.SecondsPerGigabyte);
        Assert.Equal(4_000_000_000, analytics.Latest.Bytes);
    }

    [Fact]
    public void Of_EvenNumberOfPoints_MedianIsTheMeanOfTheMiddleTwo()
    {
        var now = _time.GetUtcNow();

        var analytics = DrillAnalytics.Of(
        [
            Record(now.AddDays(-1), success: true, bytes: 1_000_000_000, seconds: 10),
            Record(now.AddDays(-2), success: true, bytes: 1_000_000_000, seconds: 30),
        ]);

        Assert.Equal(20.0, analytics.MedianSecondsPerGigabyte);
    }

    [Fact]
    public void Of_NoDrills_NoRateNoPointsNoMedian()
    {
        var analytics = DrillAnalytics.Of([]);

        Assert.Equal(0, analytics.TotalDrills);
        Assert.Null(analytics.SuccessRate);
        Assert.Empty(analytics.RecoveryTimes);
        Assert.Null(analytics.MedianSecondsPerGigabyte);
        Assert.Null(analytics.Latest);
    }

    [Fact]
    public async Task GetDrillAnalytics_LimitAndSince_CountOnlyTheNewestDrillsOfThePeriod()
    {
        await using var provider = Build();
        var service = provider.GetRequiredService<BackupService>();
        var now = _time.GetUtcNow();
        for (var day = 1; day <= 5; day++)
        {
            // The older the drill, the slower: 10 s/GB yesterday, 50 s/GB five days ago.
            await SaveAsync(service, Record(now.AddDays(-day), success: day != 2, bytes: 1_000_000_000, seconds: 10 * day));
        }

        var all = await service.GetDrillAnalyticsAsync();
        var newestThree = await service.GetDrillAnalyticsAsync(limit: 3);
        var lastThreeDaysAndAHalf = await service.GetDrillAnalyticsAsync(since: now.AddDays(-3.5));

        Assert.Equal((5, 4), (all.TotalDrills, all.SuccessfulDrills));
        Assert.Equal([50.0, 40.0, 30.0, 10.0], all.RecoveryTimes.Select(p => p.SecondsPerGigabyte));
        Assert.Equal(35.0, all.MedianSecondsPerGigabyte);
        Assert.Equal((3, 2), (newestThree.TotalDrills, newestThree.SuccessfulDrills));
        Assert.Equal([30.0, 10.0], newestThree.RecoveryTimes.Select(p => p.SecondsPerGigabyte));
        Assert.Equal(3, lastThreeDaysAndAHalf.TotalDrills);
        Assert.Equal(10.0, lastThreeDaysAndAHalf.Latest!.SecondsPerGigabyte);
    }

    [Fact]
    public async Task GetDrillAnalytics_MoreThanTheDefaultLimit_ReadsOnlyTheNewestHundred()
    {
        await using var provider = Build();
        var service = provider.GetRequiredService<BackupService>();
        var now = _time.GetUtcNow();
        for (var i = 1; i <= 102; i++)
        {
            await SaveAsync(service, Record(now.AddHours(-i), success: true, bytes: 1_000_000_000, seconds: i));
        }

        var analytics = await service.GetDrillAnalyticsAsync();

        Assert.Equal(100, analytics.TotalDrills);
        Assert.Equal(100.0, analytics.RecoveryTimes[0].SecondsPerGigabyte);
    }

    [Fact]
    public async Task GetDrillAnalytics_LimitZero_Throws()
    {
        await using var provider = Build();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => provider.GetRequiredService<BackupService>().GetDrillAnalyticsAsync(limit: 0));
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem(b => b.UseLocalStorage(_store.Path));
        return services.BuildServiceProvider();
    }

    private static DrillRecord Record(DateTimeOffset at, bool success, long bytes, double seconds) => new()
    {
        Id = DrillStore.NewId(at),
        StartedAt = at,
        FinishedAt = at.AddSeconds(seconds),
        Success = success,
        Error = success ? null : "the check 'c' returned false, not true",
        Bytes = bytes,
        TotalSeconds = seconds,
        MegabytesPerSecond = bytes / 1e6 / seconds,
        Phases = new DrillPhases { RestoreSeconds = seconds / 2, VerifySeconds = seconds / 4 },
    };

    private static Task SaveAsync(BackupService service, DrillRecord record) =>
        new DrillStore(service.Catalog.Storage).SaveAsync(record, CancellationToken.None);
}
