using Backup.Core;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// A backed-up database with no writes, on a server where another database writes a lot of WAL:
/// with heartbeats the chain slot's retained WAL stays bounded, without them it grows with the
/// cluster's WAL; a heartbeat never moves the slot past a change no incremental has stored, and its
/// messages never show up as transactions in a segment.
/// </summary>
[Collection(AloneOnTheServer.Name)]
public sealed class SlotHeartbeatTests : IAsyncLifetime, IDisposable
{
    private const long MegaByte = 1024 * 1024;

    // Each round writes about 12 MB of WAL in the busy database; 12 rounds are about 140 MB.
    private const int Rounds = 12;

    private readonly IdleDatabaseInABusyCluster _cluster = new("hb");
    private readonly TempDirectory _store = new();

    public Task InitializeAsync() =>
        _cluster.CreateAsync("CREATE TABLE items (id int PRIMARY KEY, note text NOT NULL); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 10) g;");

    public Task DisposeAsync() => _cluster.DropAsync();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IdleDatabase_BusyCluster_RetainedWalStaysBoundedOnlyWithHeartbeats(bool heartbeats)
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var start = await CurrentWalAsync();

        for (var round = 0; round < Rounds; round++)
        {
            await WriteBusyWalAsync();
            if (heartbeats)
            {
                await service.SendSlotHeartbeatsAsync();
            }
        }
        var end = await CurrentWalAsync();
        var written = await DistanceAsync(start, end);

        Assert.True(written > 100 * MegaByte, $"The busy database wrote only {written / MegaByte} MB of WAL.");
        if (heartbeats)
        {
            // The slot's restart position moves at the running-transactions records.
            // Under half of it, not a round or two: the other test classes on this server run their own
            // transactions meanwhile, and the slot's restart position cannot pass the oldest of them
            // (seen: 51 of 175 MB in a full run). Without heartbeats the slot holds all of it.
            var behind = await RestartBehindAsync(end);
            Assert.True(behind < written / 2, $"With heartbeats the slot holds {behind / MegaByte} MB of the {written / MegaByte} MB written.");
        }
        else
        {
            Assert.True(await RestartBehindAsync(start) >= 0, "Without heartbeats the slot moved on.");
        }
        // The heartbeat messages are not transactions: an incremental of the idle database holds none.
        var incremental = await service.CreateIncrementalBackupAsync();
        Assert.Equal(0, incremental.TransactionCount);
    }

    [Fact]
    public async Task ChangeNotYetInAnIncremental_HeartbeatsDoNotSkipIt_TheNextIncrementalHoldsIt_ThenTheSlotIsBoundedAgain()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_cluster.Database, "UPDATE items SET note = 'changed' WHERE id = 3");
        var start = await CurrentWalAsync();

        for (var round = 0; round < Rounds / 2; round++)
        {
            await WriteBusyWalAsync();
            Assert.Empty(await service.SendSlotHeartbeatsAsync());
        }
        // The change holds the slot where it was: the WAL waits for the incremental.
        Assert.True(await RestartBehindAsync(start) >= 0);
        Assert.True(await TestServer.ScalarAsync<bool>(_cluster.Database, $"SELECT confirmed_flush_lsn <= '{start}' FROM pg_replication_slots WHERE database = '{_cluster.Database}'"));

        var incremental = await service.CreateIncrementalBackupAsync();
        Assert.Equal(1, incremental.TransactionCount);
        Assert.Equal(1, incremental.ChangeCount);

        // Acknowledged by the incremental, the idle slot follows the heartbeats again.
        start = await CurrentWalAsync();
        for (var round = 0; round < Rounds / 2; round++)
        {
            await WriteBusyWalAsync();
            await service.SendSlotHeartbeatsAsync();
        }
        var end = await CurrentWalAsync();
        Assert.True(await RestartBehindAsync(end) < await DistanceAsync(start, end) / 2);
    }

    private ServiceProvider Build() =>
        Services.Build(TestServer.ConnectionString(_cluster.Database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_cluster.Database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));

    private Task WriteBusyWalAsync() => _cluster.WriteWalAsync();

    private Task<string> CurrentWalAsync() => _cluster.CurrentWalAsync();

    private Task<long> DistanceAsync(string from, string to) => _cluster.DistanceAsync(from, to);

    private Task<long> RestartBehindAsync(string position) => _cluster.SlotBehindAsync(position);
}
