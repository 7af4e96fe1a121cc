using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.IntegrationTests.Parts;

/// <summary>
/// Odd tables (names, partitions, unlogged, large objects, generated and dropped columns,
/// inheritance, awkward values, no columns) through a full backup taken in parts: every table
/// meant to be a part is one (split where big), and restore and download give the same content.
/// </summary>
public sealed class OddTablesPartsTests(OddTablesFixture source) : IClassFixture<OddTablesFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    private static readonly string[] PartTables =
    [
        OddTablesFixture.Dotted, OddTablesFixture.Spaced, OddTablesFixture.Unicode, OddTablesFixture.Mixed, OddTablesFixture.InDottedSchema,
        OddTablesFixture.Leaf2, OddTablesFixture.LeafDefault, OddTablesFixture.Unlogged, OddTablesFixture.WithLargeObjects,
        OddTablesFixture.Generated, OddTablesFixture.DroppedColumn, OddTablesFixture.Parent, OddTablesFixture.Child, OddTablesFixture.Values,
    ];

    private static void AssertWentThroughParts(BackupManifest manifest)
    {
        foreach (var table in PartTables)
        {
            PartsTestSupport.PartsOf(manifest, table);
        }
        // The two big ones are split by pages, the ranges meeting end to start.
        foreach (var table in new[] { OddTablesFixture.Quoted, OddTablesFixture.Leaf1 })
        {
            var parts = PartsTestSupport.PartsOf(manifest, table, atLeast: 2);
            Assert.Equal(0, parts[0].FirstPage);
            Assert.All(parts.Zip(parts.Skip(1)), pair => Assert.Equal(pair.First.EndPage, pair.Second.FirstPage));
        }
        Assert.Equal(30000, manifest.Parts.Where(p => p.Table == OddTablesFixture.Quoted).Sum(p => p.Rows));
        // ONLY: the parent's part holds its own 1,000 rows, not its child's.
        Assert.Equal(1000, PartsTestSupport.PartsOf(manifest, OddTablesFixture.Parent).Sum(p => p.Rows));
        Assert.DoesNotContain("total", PartsTestSupport.PartsOf(manifest, OddTablesFixture.Generated)[0].Columns, StringComparison.Ordinal);
        Assert.DoesNotContain("gone", PartsTestSupport.PartsOf(manifest, OddTablesFixture.DroppedColumn)[0].Columns, StringComparison.Ordinal);
        // No columns, nothing to COPY by column list: left in pg_dump's archive.
        Assert.DoesNotContain(manifest.Parts, p => p.Table == "public.zero_columns");
    }

    [Fact]
    public async Task OddTables_BackupInParts_RestoreHasSameSchemaAndContent()
    {
        using var provider = PartsTestSupport.Build(source.Database, _store.Path, _key);
        var service = provider.Service();

        var manifest = await service.CreateFullBackupAsync();
        AssertWentThroughParts(manifest);

        var result = await service.RestoreFromBackupAsync(manifest.Id);
        try
        {
            Assert.Empty(result.RowCountMismatches);
            Assert.Equal(await DatabaseComparison.NormalizedSchemaAsync(source.Database), await DatabaseComparison.NormalizedSchemaAsync(result.TargetDatabase));
            Assert.Equal(await DatabaseComparison.ContentHashesAsync(source.Database), await DatabaseComparison.ContentHashesAsync(result.TargetDatabase));
            Assert.Equal(5000L, await TestServer.ScalarAsync<long>(result.TargetDatabase, "SELECT count(*) FROM zero_columns"));
            Assert.Equal(2000L, await TestServer.ScalarAsync<long>(result.TargetDatabase, "SELECT count(*) FROM parent"));
            Assert.Equal("u", await TestServer.ScalarAsync<string>(result.TargetDatabase, "SELECT relpersistence::text FROM pg_class WHERE relname = 'unlogged'"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(result.TargetDatabase);
        }
    }

    [Fact]
    public async Task OddNamedPartitionedTable_RestoredAlone_HasAllItsLeavesRows()
    {
        using var provider = PartsTestSupport.Build(source.Database, _store.Path, _key);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        AssertWentThroughParts(manifest);

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { Tables = ["\"odd.schema\".\"Range \"\"Parted\"\"\""] });
        try
        {
            Assert.Equal(27000L, await TestServer.ScalarAsync<long>(result.TargetDatabase, "SELECT count(*) FROM \"odd.schema\".\"Range \"\"Parted\"\"\""));
            Assert.Equal(
                await TestServer.ScalarAsync<string>(source.Database, "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM \"odd.schema\".\"Range \"\"Parted\"\"\" t"),
                await TestServer.ScalarAsync<string>(result.TargetDatabase, "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM \"odd.schema\".\"Range \"\"Parted\"\"\" t"));
            Assert.False(await TestServer.ScalarAsync<bool>(result.TargetDatabase, "SELECT to_regclass('public.awkward_values') IS NOT NULL"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(result.TargetDatabase);
        }
    }

    [Fact]
    public async Task OddTables_Download_PlainPgRestoreRestoresSameContent()
    {
        using var provider = PartsTestSupport.Build(source.Database, _store.Path, _key);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        AssertWentThroughParts(manifest);
        var file = Path.Combine(_store.Path, "downloaded.dump");
        await using (var content = await service.OpenBackupContentAsync(manifest.Id))
        await using (var output = File.Create(file))
        {
            await content.CopyToAsync(output);
        }
        var target = "it_parts_odd_downloaded_" + Guid.NewGuid().ToString("N")[..6];
        await TestServer.CreateDatabaseAsync(target);
        try
        {
            await PartsTestSupport.RunToolAsync("pg_restore", "--exit-on-error", $"--dbname=host={TestServer.Host} port={TestServer.Port} user={TestServer.User} dbname={target}", file);

            Assert.Equal(await DatabaseComparison.NormalizedSchemaAsync(source.Database), await DatabaseComparison.NormalizedSchemaAsync(target));
            Assert.Equal(await DatabaseComparison.ContentHashesAsync(source.Database), await DatabaseComparison.ContentHashesAsync(target));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }
}
