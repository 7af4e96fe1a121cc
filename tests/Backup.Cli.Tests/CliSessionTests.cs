using System.CommandLine;
using Backup.Core.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backup.Cli.Tests;

/// <summary>What a command's session holds: one-shot commands leave the library's hosted services out; <c>run</c> keeps them.</summary>
public sealed class CliSessionTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task OneShotSession_HasNoHostedWorkers_ButCanStillManageSchedules()
    {
        var (parse, options) = Parse();

        await using var session = CliSession.Open(parse, options);

        // No worker: only the start-up check, which runs nothing unless a host starts.
        Assert.Equal(["BackupStartup"], session.Services.GetServices<IHostedService>().Select(s => s.GetType().Name));
        Assert.Empty(await session.Services.GetRequiredService<IScheduler>().ListSchedulesAsync().ToListAsync());
    }

    [Fact]
    public void RunHost_HostsTheSchedulerTheSlotLagMonitorAndContinuousCapture()
    {
        var (parse, options) = Parse();
        var services = new ServiceCollection();

        CliSession.Compose(services, parse, options, hostedServices: true);
        using var provider = services.BuildServiceProvider();

        // Continuous capture is idle unless configured; when it is, `run` records the chain in the same process as the schedules (so their incrementals are refused, not forked).
        Assert.Equal(["BackupScheduler", "BackupStartup", "CatalogLoader", "ContinuousCaptureService", "SlotLagMonitor"], provider.GetServices<IHostedService>().Select(s => s.GetType().Name).Order(StringComparer.Ordinal));
    }

    private (ParseResult, CliOptions) Parse()
    {
        var options = new CliOptions();
        var root = new RootCommand();
        options.AddTo(root);
        return (root.Parse(["--store", "file://" + Path.Combine(_folder.Path, "store")]), options);
    }
}
