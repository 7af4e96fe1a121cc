using Backup.Core.Catalog;

namespace Backup.IntegrationTests.Parts;

/// <summary>40 tables with indexes and foreign keys through a full backup taken in parts, on one and on two connections.</summary>
public sealed class ManyTablesPartsTests(ManyTablesFixture source) : IClassFixture<ManyTablesFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ManyTables_BackupInParts_RestoreHasSameSchemaContentAndConstraints(int jobs)
    {
        using var provider = PartsTestSupport.Build(source.Database, _store.Path, _key, jobs: jobs);
        var service = provider.Service();

        var manifest = await service.CreateFullBackupAsync();

        for (var i = 0; i < ManyTablesFixture.Pairs; i++)
        {
            if (ManyTablesFixture.IsTiny(i))
            {
                Assert.False(manifest.Parts.Any(p => p.Table == ManyTablesFixture.Orders(i)), $"{ManyTablesFixture.Orders(i)} is a part, though tiny");
                continue;
            }
            PartsTestSupport.PartsOf(manifest, ManyTablesFixture.Customers(i));
            PartsTestSupport.PartsOf(manifest, ManyTablesFixture.Orders(i), atLeast: ManyTablesFixture.IsSplit(i) ? 2 : 1);
            if (!ManyTablesFixture.IsSplit(i))
            {
                Assert.Single(manifest.Parts, p => p.Table == ManyTablesFixture.Orders(i));
            }
        }
        Assert.Equal(2 * ManyTablesFixture.Pairs, manifest.TableRowCounts.Count);

        var result = await service.RestoreFromBackupAsync(manifest.Id);
        try
        {
            Assert.Empty(result.RowCountMismatches);
            Assert.Equal(await DatabaseComparison.NormalizedSchemaAsync(source.Database), await DatabaseComparison.NormalizedSchemaAsync(result.TargetDatabase));
            Assert.Equal(await DatabaseComparison.ContentHashesAsync(source.Database), await DatabaseComparison.ContentHashesAsync(result.TargetDatabase));
            // Post-data came back: every foreign key valid, every index there.
            Assert.Equal(20L, await TestServer.ScalarAsync<long>(result.TargetDatabase, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"));
            Assert.Equal(
                await TestServer.ScalarAsync<long>(source.Database, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'shop'"),
                await TestServer.ScalarAsync<long>(result.TargetDatabase, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'shop'"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(result.TargetDatabase);
        }
    }
}
