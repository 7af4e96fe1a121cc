using Backup.Core.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// Two stores (two hosts, or a host and a second store) backing up one database with change
/// capture: each store's full backups drop only its own chains' slots, and a chain whose slot is
/// gone is marked broken with the documented message.
/// </summary>
public sealed class TwoStoresTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_stores_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _storeA = new();
    private readonly TempDirectory _storeB = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL); INSERT INTO items SELECT g, 0 FROM generate_series(1, 100) g;");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, []);

    public void Dispose()
    {
        _storeA.Dispose();
        _storeB.Dispose();
    }

    [Fact]
    public async Task TwoStores_EachFullBackupDropsOnlyItsOwnSlots_BothChainsKeepWorking()
    {
        using var providerA = Build(_storeA.Path);
        using var providerB = Build(_storeB.Path);
        var a = providerA.Service();
        var b = providerB.Service();

        var fullA = await a.CreateFullBackupAsync();
        var fullB = await b.CreateFullBackupAsync();
        await ChangeAsync(3);
        var incrementalA = await a.CreateIncrementalBackupAsync();
        var incrementalB = await b.CreateIncrementalBackupAsync();
        var newFullA = await a.CreateFullBackupAsync();
        await ChangeAsync(2);
        var nextA = await a.CreateIncrementalBackupAsync();
        var nextB = await b.CreateIncrementalBackupAsync();

        Assert.Equal((3L, 3L), (incrementalA.TransactionCount, incrementalB.TransactionCount));
        Assert.Equal((newFullA.Id, 2L), (nextA.ChainId!, nextA.TransactionCount));
        Assert.Equal((fullB.Id, 2L), (nextB.ChainId!, nextB.TransactionCount));
        // Slots are named for their store; A's superseded chain lost its slot, B's chain kept its own.
        var storeA = (await File.ReadAllTextAsync(Path.Combine(_storeA.Path, "metadata", "store-id"))).Trim();
        Assert.StartsWith($"backup_core_{storeA}_", newFullA.Properties["slot"], StringComparison.Ordinal);
        Assert.True(newFullA.Properties["slot"].Length <= 63);
        Assert.Equal(
            new[] { fullB.Properties["slot"], newFullA.Properties["slot"] }.Order(StringComparer.Ordinal),
            await SlotNamesAsync());
        Assert.Equal(newFullA.Properties["slot"], Assert.Single((await a.GetBackupStatusAsync()).Slots).Name);
        Assert.DoesNotContain(fullA.Properties["slot"], await SlotNamesAsync());
    }

    [Fact]
    public async Task Incremental_SlotDroppedByHand_MarksTheChainBrokenAndSaysToTakeAFullBackup()
    {
        using var provider = Build(_storeA.Path);
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await ChangeAsync(2);
        await service.CreateIncrementalBackupAsync();
        await TestServer.ExecuteAsync(_database, $"SELECT pg_drop_replication_slot('{full.Properties["slot"]}')");
        await ChangeAsync(1);

        var error = await Assert.ThrowsAsync<BackupException>(() => service.CreateIncrementalBackupAsync());
        var again = await Assert.ThrowsAsync<BackupException>(() => service.CreateIncrementalBackupAsync());

        Assert.Contains("is broken", error.Message, StringComparison.Ordinal);
        Assert.Contains("take a full backup", error.Message, StringComparison.Ordinal);
        Assert.Contains(full.Properties["slot"], error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("42704", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", (await service.GetBackupAsync(full.Id)).Properties["chainBroken"], StringComparison.Ordinal);
        Assert.Contains("is broken", again.Message, StringComparison.Ordinal);
        // A full backup starts a new chain, which works.
        var newChain = await service.CreateFullBackupAsync();
        await ChangeAsync(1);
        Assert.Equal(newChain.Id, (await service.CreateIncrementalBackupAsync()).ChainId);
    }

    private ServiceProvider Build(string store) =>
        Services.Build(TestServer.ConnectionString(_database), store, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));

    private async Task ChangeAsync(int transactions)
    {
        for (var i = 0; i < transactions; i++)
        {
            await TestServer.ExecuteAsync(_database, $"UPDATE items SET n = n + 1 WHERE id = {1 + i}");
        }
    }

    private async Task<IEnumerable<string>> SlotNamesAsync() =>
        (await TestServer.ScalarAsync<string>(_database, $"SELECT coalesce(string_agg(slot_name, ',' ORDER BY slot_name COLLATE \"C\"), '') FROM pg_replication_slots WHERE database = '{_database}'"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries);
}
