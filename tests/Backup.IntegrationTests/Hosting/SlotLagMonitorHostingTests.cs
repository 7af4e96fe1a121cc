using Backup.Core;
using Backup.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.IntegrationTests.Hosting;

/// <summary>
/// The slot lag monitor in a real host on a real server: hosted by default, it drops a slot over its
/// limit; left out (<c>WithoutHostedSlotLagMonitor</c>), nothing touches the slot however long the host runs.
/// </summary>
public sealed class SlotLagMonitorHostingTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_host_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE history (hid bigserial PRIMARY KEY, note text NOT NULL)");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, []);

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SlotOverTheLimit_IsDroppedOnlyWhenTheMonitorIsHosted(bool hosted)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton<BackupEnvironment>(new NoEnvironment());
        builder.Services.AddBackupSystem(b =>
        {
            b.UseLocalStorage(_store.Path).UsePostgres(TestServer.ConnectionString(_database), o =>
            {
                o.ToolsDirectory = TestServer.ToolsDirectory;
                o.ChangeCapture = true;
                o.MaxSlotLagMegabytes = 1;
                o.SlotLagCheckInterval = TimeSpan.FromMilliseconds(100);
            });
            if (!hosted)
            {
                b.WithoutHostedSlotLagMonitor();
            }
        });
        using var host = builder.Build();
        await host.Services.GetRequiredService<BackupService>().CreateFullBackupAsync();
        Assert.Equal(1L, await SlotCountAsync());
        // Several MB of WAL the slot must keep until the next incremental: over the 1 MB limit.
        await TestServer.ExecuteAsync(_database, "INSERT INTO history (note) SELECT repeat('x', 100) FROM generate_series(1, 60000)");

        await host.StartAsync();
        // Hosted, the monitor drops the slot within a few intervals; left out, 30 intervals pass and the slot stays.
        for (var waited = 0; waited < (hosted ? 150 : 30) && await SlotCountAsync() > 0; waited++)
        {
            await Task.Delay(100);
        }
        await host.StopAsync();

        Assert.Equal(hosted ? 0L : 1L, await SlotCountAsync());
    }

    private Task<long> SlotCountAsync() =>
        TestServer.ScalarAsync<long>(_database, $"SELECT count(*) FROM pg_replication_slots WHERE database = '{_database}'");

    /// <summary>Tests must not pick up BACKUP_* variables from the machine they run on.</summary>
    private sealed class NoEnvironment : BackupEnvironment
    {
        public override string? GetVariable(string name) => null;
    }
}
