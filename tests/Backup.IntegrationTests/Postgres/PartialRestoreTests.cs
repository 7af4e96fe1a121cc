using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

public sealed class PartialRestoreTests(SmallDatabaseFixture source) : IClassFixture<SmallDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Restore_ChosenTables_BringsThemWithIndexesKeysAndTriggersAndNothingElse()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, Services.NewKey());
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = "it_partial_" + Guid.NewGuid().ToString("N")[..8];

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, Tables = ["sales.customers", "sales.orders"] });
        try
        {
            Assert.Equal(["sales.customers", "sales.orders"], result.RestoredRowCounts.Keys.Order(StringComparer.Ordinal));
            Assert.Empty(result.RowCountMismatches);
            var sourceHashes = await DatabaseComparison.ContentHashesAsync(source.Database);
            var targetHashes = await DatabaseComparison.ContentHashesAsync(target);
            Assert.Equal(sourceHashes["r sales.customers"], targetHashes["r sales.customers"]);
            Assert.Equal(sourceHashes["r sales.orders"], targetHashes["r sales.orders"]);
            Assert.Equal(sourceHashes["S sales.orders_id_seq"], targetHashes["S sales.orders_id_seq"]);
            Assert.Equal(2L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('orders_customer_idx', 'orders_note_idx')"));
            Assert.Equal(1L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'"));
            Assert.Equal(1L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_trigger WHERE tgname = 'orders_audit'"));
            Assert.Equal(0L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_class WHERE relname IN ('big', 'events', 'log_documents', 'paid_orders', 'revenue_by_state')"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task Restore_OneTableWhoseForeignKeyPointsElsewhere_RestoresItWithoutThatKey()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = "it_partial_" + Guid.NewGuid().ToString("N")[..8];

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, Tables = ["sales.orders"] });
        try
        {
            Assert.Equal(["sales.orders"], result.RestoredRowCounts.Keys);
            Assert.Empty(result.RowCountMismatches);
            Assert.Equal(0L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }
}
