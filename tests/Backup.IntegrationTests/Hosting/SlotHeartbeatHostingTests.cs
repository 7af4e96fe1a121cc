using Backup.Core;
using Backup.Core.Configuration;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.IntegrationTests.Hosting;

/// <summary>
/// The hosted slot monitor sends the heartbeats (with no lag limit set): an idle backed-up database's
/// slot keeps up with a busy neighbour's WAL while it runs; with the heartbeat off, it does not.
/// </summary>
public sealed class SlotHeartbeatHostingTests : IAsyncLifetime, IDisposable
{
    private const int Rounds = 10;

    private readonly IdleDatabaseInABusyCluster _cluster = new("hbhost");
    private readonly TempDirectory _store = new();

    public Task InitializeAsync() => _cluster.CreateAsync("CREATE TABLE items (id int PRIMARY KEY)");

    public Task DisposeAsync() => _cluster.DropAsync();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HostedMonitor_IdleDatabaseInABusyCluster_SlotKeepsUpOnlyWithTheHeartbeatOn(bool heartbeat)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton<BackupEnvironment>(new NoEnvironment());
        builder.Services.AddBackupSystem(b => b.UseLocalStorage(_store.Path).UsePostgres(TestServer.ConnectionString(_cluster.Database), o =>
        {
            o.ToolsDirectory = TestServer.ToolsDirectory;
            o.ChangeCapture = true;
            o.HeartbeatInterval = heartbeat ? TimeSpan.FromMilliseconds(100) : null;
        }));
        using var host = builder.Build();
        await host.Services.GetRequiredService<BackupService>().CreateFullBackupAsync();
        var start = await _cluster.CurrentWalAsync();

        await host.StartAsync();
        for (var round = 0; round < Rounds; round++)
        {
            await _cluster.WriteWalAsync();
            await Task.Delay(300);
        }
        await host.StopAsync();
        var end = await _cluster.CurrentWalAsync();
        var written = await _cluster.DistanceAsync(start, end);
        var behind = await _cluster.SlotBehindAsync(end);

        if (heartbeat)
        {
            // Under half of it, not a round or two: the other test classes on this server run their own
            // transactions meanwhile, and the slot's restart position cannot pass the oldest of them
            // (seen: 51 of 175 MB in a full run). Without heartbeats the slot holds all of it.
            Assert.True(behind < written / 2, $"The slot holds {behind >> 20} MB of the {written >> 20} MB written.");
        }
        else
        {
            Assert.True(behind >= written, $"The slot holds {behind >> 20} MB, less than the {written >> 20} MB written.");
        }
    }

    /// <summary>Tests must not pick up BACKUP_* variables from the machine they run on.</summary>
    private sealed class NoEnvironment : BackupEnvironment
    {
        public override string? GetVariable(string name) => null;
    }
}
