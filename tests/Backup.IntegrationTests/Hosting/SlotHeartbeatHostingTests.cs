using Backup.Core;
using Backup.Core.Configuration;
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

    private readonly string _database = "it_hbhost_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _busy = "it_hbhost_busy_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE items (id int PRIMARY KEY)");
        await TestServer.CreateDatabaseAsync(_busy);
        await TestServer.ExecuteAsync(_busy, "CREATE TABLE filler (v text NOT NULL)");
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(_database, []);
        await TestServer.DropDatabaseAsync(_busy);
    }

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HostedMonitor_IdleDatabaseInABusyCluster_SlotKeepsUpOnlyWithTheHeartbeatOn(bool heartbeat)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton<BackupEnvironment>(new NoEnvironment());
        builder.Services.AddBackupSystem(b => b.UseLocalStorage(_store.Path).UsePostgres(TestServer.ConnectionString(_database), o =>
        {
            o.ToolsDirectory = TestServer.ToolsDirectory;
            o.ChangeCapture = true;
            o.HeartbeatInterval = heartbeat ? TimeSpan.FromMilliseconds(100) : null;
        }));
        using var host = builder.Build();
        await host.Services.GetRequiredService<BackupService>().CreateFullBackupAsync();
        var start = await TestServer.ScalarAsync<string>(_busy, "SELECT pg_current_wal_lsn()::text");

        await host.StartAsync();
        for (var round = 0; round < Rounds; round++)
        {
            // The checkpoint logs the running transactions, as the background writer does every 15 s on a busy server.
            await TestServer.ExecuteAsync(_busy, "INSERT INTO filler SELECT repeat(md5(g::text), 30) FROM generate_series(1, 12000) g; TRUNCATE filler; CHECKPOINT;");
            await Task.Delay(300);
        }
        await host.StopAsync();
        // Against fixed positions, not the current one: other tests write WAL on the same server meanwhile.
        var end = await TestServer.ScalarAsync<string>(_busy, "SELECT pg_current_wal_lsn()::text");
        var written = await TestServer.ScalarAsync<long>(_busy, $"SELECT pg_wal_lsn_diff('{end}', '{start}')::bigint");
        var behind = await TestServer.ScalarAsync<long>(_database, $"SELECT pg_wal_lsn_diff('{end}', restart_lsn)::bigint FROM pg_replication_slots WHERE database = '{_database}'");

        if (heartbeat)
        {
            Assert.True(behind < 3 * written / Rounds, $"The slot holds {behind >> 20} MB of the {written >> 20} MB written.");
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
