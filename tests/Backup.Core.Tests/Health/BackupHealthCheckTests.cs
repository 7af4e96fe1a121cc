using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Health;
using Backup.Core.Operations;
using Backup.Core.Postgres;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Backup.Core.Tests.Health;

/// <summary>The health check reads schedule health through <see cref="IScheduler"/>, whatever implements it.</summary>
public sealed class BackupHealthCheckTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task FailingSchedule_OfAnySchedulerImplementation_MakesTheCheckUnhealthyNamingIt()
    {
        await using var provider = await WithAGoodBackupAsync();
        var scheduler = new FixedStatusScheduler(Status(("nightly", "failed 3 times in a row; last: disk full"), ("hourly", null)));

        var result = await Check(provider, scheduler).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("schedule nightly: failed 3 times in a row; last: disk full", result.Description);
    }

    [Fact]
    public async Task HealthySchedules_AndACurrentBackup_AreHealthy()
    {
        await using var provider = await WithAGoodBackupAsync();

        var result = await Check(provider, new FixedStatusScheduler(Status(("hourly", null)))).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    private async Task<ServiceProvider> WithAGoodBackupAsync()
    {
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem(b => b.UseLocalStorage(_store.Path));
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<BackupService>().CreateFileBackupAsync("files", new FileBackupOptions { Directories = [_files.Path] });
        return provider;
    }

    private static BackupHealthCheck Check(ServiceProvider provider, IScheduler scheduler) =>
        new(provider.GetRequiredService<BackupService>(),
            Microsoft.Extensions.Options.Options.Create(new BackupHealthOptions { CacheDuration = TimeSpan.Zero }),
            Microsoft.Extensions.Options.Options.Create(new PostgresOptions()),
            TimeProvider.System,
            scheduler);

    private static SchedulerStatus Status(params (string Id, string? Problem)[] schedules) =>
        new([.. schedules.Select(s => new ScheduleStatus
        {
            Schedule = new BackupSchedule { Id = s.Id, Name = s.Id, CronExpression = "0 * * * *" },
            State = new ScheduleRunState(),
            Problem = s.Problem,
        })]);

    /// <summary>An <see cref="IScheduler"/> that is not the library's: only its status is read here.</summary>
    private sealed class FixedStatusScheduler(SchedulerStatus status) : IScheduler
    {
        public SchedulerStatus GetDetailedStatus() => status;

        public SchedulerStats GetSchedulerStats() => new(status.Schedules.Count, status.Schedules.Count, null);

        public Task<BackupSchedule> CreateScheduleAsync(BackupSchedule schedule, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<BackupSchedule> UpdateScheduleAsync(BackupSchedule schedule, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<BackupSchedule> EnableScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<BackupSchedule> DisableScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<string> ForceRunScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<BackupSchedule?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<BackupSchedule> ListSchedulesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
