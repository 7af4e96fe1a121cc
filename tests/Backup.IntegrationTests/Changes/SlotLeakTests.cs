using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// A change-capture full backup that does not store its manifest (refused as busy, failed) leaves
/// no replication slot behind, and slots of this store that no manifest claims (a crashed backup's)
/// are dropped by the next full backup, while another store's are left alone.
/// </summary>
public sealed class SlotLeakTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_slotleak_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL); INSERT INTO items SELECT g, 0 FROM generate_series(1, 10) g;");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, []);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FullBackup_RefusedAsBusyMoreTimesThanTheServerHasSlots_LeavesNoSlot_AndWorksOnceFree()
    {
        using var provider = Build();
        var service = provider.Service();
        var other = await TestServer.HoldBackupLockAsync(_database);
        await using (other)
        {
            // max_replication_slots is 10 on the test server: a leak per refusal would exhaust it.
            for (var i = 0; i < 12; i++)
            {
                await Assert.ThrowsAsync<BackupInProgressException>(() => service.CreateFullBackupAsync());
            }
            Assert.Equal(0L, await SlotCountAsync());
        }

        var manifest = await service.CreateFullBackupAsync();

        Assert.Equal(BackupStatus.Completed, manifest.Status);
        Assert.Equal(1L, await SlotCountAsync());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task FullBackup_LeftoverSlotOfThisStoreNoManifestClaims_IsDroppedAtStartEvenWhenTheBackupFails_AnotherStoresSlotIsKept()
    {
        // The dump fails: only a sweep at the start (not the one after a stored full backup) can drop the leftover.
        using var tools = await FakeTools.CreateAsync(name => $"[ \"$1\" = --version ] && echo '{name} (PostgreSQL) 15.18' && exit 0\nexit 3\n");
        using var provider = Build(tools.Path);
        var service = provider.Service();
        var storeId = await StoreIdentity.GetOrCreateAsync(new Backup.Core.Storage.LocalStorageProvider(new Backup.Core.Storage.LocalStorageOptions { RootPath = _store.Path }));
        var orphan = $"backup_core_{storeId}_20200101t000000000z_0000abcd";
        var otherStores = $"backup_core_{(storeId == "0badcafe" ? "deadbeef" : "0badcafe")}_20200101t000000000z_0000abcd";
        await TestServer.ExecuteAsync(_database, $"SELECT pg_create_logical_replication_slot('{orphan}', 'pgoutput'); SELECT pg_create_logical_replication_slot('{otherStores}', 'pgoutput')");

        await Assert.ThrowsAsync<BackupDatabaseException>(() => service.CreateFullBackupAsync());

        Assert.Equal(otherStores, await TestServer.ScalarAsync<string>(_database, $"SELECT string_agg(slot_name, ',') FROM pg_replication_slots WHERE database = '{_database}'"));
    }

    [Fact]
    public async Task FullBackup_SomeoneHoldsTheOldHashtextKey_IsNotBlocked()
    {
        // Our lock uses the two-integer key space: another application's hashtext lock on the
        // same text (the key earlier versions used) no longer makes backups fail as busy.
        using var provider = Build();
        await using var other = new Npgsql.NpgsqlConnection(TestServer.ConnectionString(_database));
        await other.OpenAsync();
        await using (var hold = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(hashtext('Backup.Core full backup:' || current_database()))", other))
        {
            await hold.ExecuteNonQueryAsync();
        }

        var manifest = await provider.Service().CreateFullBackupAsync();

        Assert.Equal(BackupStatus.Completed, manifest.Status);
    }

    private ServiceProvider Build(string? tools = null) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = tools ?? TestServer.ToolsDirectory; o.ChangeCapture = true; }));

    private Task<long> SlotCountAsync() =>
        TestServer.ScalarAsync<long>(_database, $"SELECT count(*) FROM pg_replication_slots WHERE database = '{_database}'");
}
