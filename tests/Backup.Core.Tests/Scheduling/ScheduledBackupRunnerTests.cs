using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Scheduling;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Scheduling;

/// <summary>The runner makes the schedule's backup and applies retention with the days the scheduler hands it (it no longer asks the scheduler).</summary>
public sealed class ScheduledBackupRunnerTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Theory]
    [InlineData(1, false)]   // the schedule keeps 1 day: the 3-day-old backup goes
    [InlineData(null, true)] // no days of its own: the global 30 days keep it
    public async Task RunAsync_AppliesRetentionWithTheDaysItIsGiven(int? scheduleDays, bool olderKept)
    {
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
        using var provider = Build();
        var runner = provider.GetRequiredService<IScheduledBackupRunner>();
        var schedule = new BackupSchedule
        {
            Id = "files",
            Name = "files",
            Type = BackupType.Files,
            CronExpression = "0 1 * * *",
            Options = new BackupScheduleOptions { Directories = [_files.Path], RetentionDays = scheduleDays },
        };
        Dictionary<string, int> retention = scheduleDays is { } days ? new() { ["files"] = days } : [];

        var older = await runner.RunAsync(new ScheduledRun(schedule, () => retention), CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(3));
        var newer = await runner.RunAsync(new ScheduledRun(schedule, () => retention), CancellationToken.None);

        var left = (await provider.GetRequiredService<BackupService>().ListBackupsAsync()).Select(b => b.Id).ToList();
        Assert.Contains(newer, left);
        Assert.Equal(olderKept, left.Contains(older));
    }

    [Fact]
    public async Task RunAsync_AsksForTheRetentionDaysAfterTheBackup_SoAChangeDuringTheRunCounts()
    {
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
        using var provider = Build();
        var backups = provider.GetRequiredService<BackupService>();
        var schedule = new BackupSchedule { Id = "files", Name = "files", Type = BackupType.Files, CronExpression = "0 1 * * *", Options = new() { Directories = [_files.Path] } };
        var storedWhenAsked = -1;

        await provider.GetRequiredService<IScheduledBackupRunner>().RunAsync(
            new ScheduledRun(schedule, () =>
            {
                storedWhenAsked = backups.ListBackupsAsync().GetAwaiter().GetResult().Count;
                return new Dictionary<string, int>();
            }),
            CancellationToken.None);

        Assert.Equal(1, storedWhenAsked);
    }

    [Fact]
    public async Task RunAsync_InAContainerWithoutAScheduler_MakesTheBackupAndAppliesRetention()
    {
        // The runner used to look IScheduler up from the container for the retention days (a loop:
        // the scheduler calls the runner, which asked the scheduler); now it needs no scheduler at all.
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
        var services = Services(b => b.WithoutHostedScheduler());
        services.RemoveAll<IScheduler>();
        services.RemoveAll<BackupScheduler>();
        using var provider = services.BuildServiceProvider();
        var schedule = new BackupSchedule { Id = "files", Name = "files", Type = BackupType.Files, CronExpression = "0 1 * * *", Options = new() { Directories = [_files.Path] } };

        var id = await provider.GetRequiredService<IScheduledBackupRunner>().RunAsync(new ScheduledRun(schedule, () => new Dictionary<string, int>()), CancellationToken.None);

        Assert.Equal("files", (await provider.GetRequiredService<BackupService>().GetBackupAsync(id)).ScheduleId);
    }

    private ServiceProvider Build() => Services().BuildServiceProvider();

    private ServiceCollection Services(Action<Backup.Core.DependencyInjection.BackupSystemBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem(b =>
        {
            b.UseLocalStorage(_store.Path);
            configure?.Invoke(b);
        });
        return services;
    }
}
