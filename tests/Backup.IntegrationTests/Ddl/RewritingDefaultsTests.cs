using Backup.Core.Abstractions;

namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// Issue #15: ADD COLUMN whose default is not a constant fills the existing rows with values that
/// replaying the statement cannot reproduce (now() at replay time, other random values, identity
/// numbers in another physical order), and logical decoding sends none of those rows. Recovery
/// must then give the source's values exactly, or the chain must end at the statement
/// (SchemaChangedException naming it); a recovered database with other values than the source had
/// is silent data corruption.
/// </summary>
public sealed class RewritingDefaultsTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_default_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await OrdersWorkload.CreateTablesAsync(_database);
        // Deleted rows leave holes, so a rewritten table's physical order differs from a restored one's.
        await TestServer.ExecuteAsync(_database, "DELETE FROM orders WHERE id % 3 = 0; UPDATE orders SET qty = qty + 1 WHERE id % 4 = 0");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()")]
    [InlineData("ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()")]
    [InlineData("ALTER TABLE orders ADD COLUMN seq_no bigint GENERATED ALWAYS AS IDENTITY")]
    public async Task Recovery_AfterAddColumnWithANonConstantDefault_GivesTheSourcesValuesOrTheChainEndsThere(string migration)
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE orders SET qty = qty + 1 WHERE id % 5 = 0");
        await TestServer.ExecuteAsync(_database, migration);
        await TestServer.ExecuteAsync(_database, "INSERT INTO orders (customer, qty) VALUES (1, 1), (2, 2)");
        var moment = await SchemaMoment.RecordAsync(_database, "after the migration");
        await Task.Delay(1100); // now() at replay time must differ from the source's even when the test runs fast.

        Backup.Core.Catalog.BackupManifest incremental;
        try
        {
            incremental = await service.CreateIncrementalBackupAsync();
        }
        catch (SchemaChangedException refused)
        {
            Assert.Contains(migration, refused.Message, StringComparison.Ordinal);
            return;
        }
        var recovered = await service.PointInTimeRecoveryAsync(moment.At);
        _recovered.Add(recovered.TargetDatabase);

        Assert.NotNull(incremental);
        Assert.Equal(moment.Schema, await DatabaseComparison.ApplicationSchemaAsync(recovered.TargetDatabase));
        Assert.Equal(moment.Hashes, await SchemaMoment.HashesAsync(recovered.TargetDatabase));
    }
}
