using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.DependencyInjection;
using Backup.Core.Hosting;
using Backup.Core.Scheduling;
using Backup.Core.Tests.Scheduling;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Hosting;

/// <summary>
/// The scheduler's run loop and the slot lag monitor are hosted services by default; a host that
/// only manages schedules (or a one-shot tool) leaves them out, and keeps <see cref="IScheduler"/>.
/// </summary>
public sealed class HostedServicesTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void AddBackupSystem_ByDefault_HostsTheSchedulerAndTheSlotLagMonitor()
    {
        using var provider = Build(_ => { });

        var hosted = provider.GetServices<IHostedService>().ToList();

        Assert.Same(provider.GetRequiredService<IScheduler>(), Assert.Single(hosted.OfType<BackupScheduler>()));
        Assert.Single(hosted.OfType<SlotLagMonitor>());
        Assert.Single(hosted.OfType<ContinuousCaptureService>());
    }

    [Fact]
    public void WithoutHostedContinuousCapture_LeavesOutOnlyTheCapture()
    {
        using var provider = Build(b => b.WithoutHostedContinuousCapture());

        var hosted = provider.GetServices<IHostedService>().ToList();

        Assert.Empty(hosted.OfType<ContinuousCaptureService>());
        Assert.Single(hosted.OfType<SlotLagMonitor>());
        Assert.Single(hosted.OfType<BackupScheduler>());
    }

    [Fact]
    public void WithoutHostedScheduler_LeavesOutOnlyTheScheduler_AndKeepsIScheduler()
    {
        using var provider = Build(b => b.WithoutHostedScheduler());

        var hosted = provider.GetServices<IHostedService>().ToList();

        Assert.Empty(hosted.OfType<BackupScheduler>());
        Assert.Single(hosted.OfType<SlotLagMonitor>());
        Assert.IsType<BackupScheduler>(provider.GetRequiredService<IScheduler>());
    }

    [Fact]
    public void CatalogLoader_IsHostedByDefault_AndWithoutHostedCatalogLoaderLeavesOutOnlyIt()
    {
        using var byDefault = Build(_ => { });
        using var without = Build(b => b.WithoutHostedCatalogLoader());

        Assert.Single(byDefault.GetServices<IHostedService>().OfType<CatalogLoader>());
        Assert.Empty(without.GetServices<IHostedService>().OfType<CatalogLoader>());
        Assert.Single(without.GetServices<IHostedService>().OfType<BackupScheduler>());
    }

    [Fact]
    public void WithoutHostedSlotLagMonitor_LeavesOutOnlyTheMonitor()
    {
        using var provider = Build(b => b.WithoutHostedSlotLagMonitor());

        var hosted = provider.GetServices<IHostedService>().ToList();

        Assert.Empty(hosted.OfType<SlotLagMonitor>());
        Assert.Single(hosted.OfType<BackupScheduler>());
    }

    [Fact]
    public void WithoutHostedServices_InALaterAddBackupSystemCall_StillLeaveThemOut()
    {
        // Provider packages call AddBackupSystem again with only their settings; so may a host.
        var services = Services(_ => { });
        services.AddBackupSystem(b => b.WithoutHostedScheduler().WithoutHostedSlotLagMonitor().WithoutHostedContinuousCapture().WithoutHostedCatalogLoader());
        using var provider = services.BuildServiceProvider();

        // Only the start-up check is left: it runs nothing after the start.
        Assert.IsType<BackupStartup>(Assert.Single(provider.GetServices<IHostedService>()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Host_RunsADueSchedule_OnlyWhenTheSchedulerIsHosted_ForceRunEitherWay(bool hosted)
    {
        var time = new FakeTimeProvider(SchedulerHarness.Start);
        var runner = new RecordingRunner(time);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IScheduledBackupRunner>(runner);
        AddBackupSystem(builder.Services, b =>
        {
            b.Configure(o => o.Schedules.Add(new BackupSchedule { Id = "hourly", Name = "hourly", CronExpression = "0 * * * *" }));
            if (!hosted)
            {
                b.WithoutHostedScheduler();
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        var scheduler = host.Services.GetRequiredService<IScheduler>();
        await scheduler.ListSchedulesAsync().ToListAsync();

        time.Advance(TimeSpan.FromHours(1));
        // Until the run has finished (a force-run while it still runs would be refused), or 2 s without one.
        for (var waited = 0; waited < 100 && scheduler.GetDetailedStatus().Schedules.Single() is not { Running: false, State.LastOccurrence: not null }; waited++)
        {
            await Task.Delay(20);
        }
        var onTime = runner.Calls.Count;
        await scheduler.ForceRunScheduleAsync("hourly");
        await host.StopAsync();

        Assert.Equal(hosted ? 1 : 0, onTime);
        Assert.Equal(onTime + 1, runner.Calls.Count);
    }

    [Fact]
    public async Task Host_WithoutADatabase_StaysUp_WhenItSaysItBacksUpFilesOnly()
    {
        // File backups only (RequireDatabase=false, set for every host of this class): the slot lag
        // monitor has nothing to watch and must idle, not fault and stop the host.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        AddBackupSystem(builder.Services, _ => { });
        using var host = builder.Build();
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await host.StartAsync();
        var monitor = host.Services.GetServices<IHostedService>().OfType<SlotLagMonitor>().Single();
        await monitor.ExecuteTask!;
        await Task.Delay(100);

        Assert.False(stopping.IsCancellationRequested, "the host stopped by itself");
        await host.StopAsync();
    }

    private ServiceProvider Build(Action<BackupSystemBuilder> configure) => Services(configure).BuildServiceProvider();

    private ServiceCollection Services(Action<BackupSystemBuilder> configure)
    {
        var services = new ServiceCollection();
        AddBackupSystem(services, configure);
        return services;
    }

    private void AddBackupSystem(IServiceCollection services, Action<BackupSystemBuilder> configure)
    {
        services.AddLogging();
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment(new() { ["BACKUP_DIR"] = _root.Path }));
        services.AddBackupSystem(configure);
        // These hosts have no database (a fake runner, or file backups only): they say so, else the start-up check stops them.
        services.Configure<BackupOptions>(o => o.RequireDatabase = false);
    }
}
