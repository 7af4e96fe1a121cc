using Backup.Core.Abstractions;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// Issue #15: a DDL statement sent in one query string with statements that change rows cannot be
/// replayed exactly (replaying the string would apply the rows twice, replaying only the DDL is not
/// what the query did): the capture ends the chain at it with SchemaChangedException naming it.
/// psql -c sends its string as one simple query (Npgsql would split it into separate statements).
/// </summary>
public sealed class MixedDdlAndDataTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_mixed_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await OrdersWorkload.CreateTablesAsync(_database);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, []);

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("ALTER TABLE orders ADD COLUMN flag int; INSERT INTO orders (customer, qty) VALUES (1, 1)")]
    [InlineData("DO $$ BEGIN ALTER TABLE orders ADD COLUMN flag int; UPDATE orders SET flag = 1 WHERE id <= 3; END $$")]
    [InlineData("DO $$ BEGIN EXECUTE 'ALTER TABLE orders ADD COLUMN flag int'; DELETE FROM items WHERE id <= 3; END $$")]
    public async Task Incremental_DdlInOneQueryStringWithRowChanges_FailsWithSchemaChangedNamingTheStatement(string query)
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        Assert.Equal("on", full.Properties["ddl-capture"]);
        await PostgresTool.RunAsync("psql", _database, "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", query);

        var error = await Assert.ThrowsAsync<SchemaChangedException>(() => service.CreateIncrementalBackupAsync());

        Assert.Contains("ADD COLUMN flag int", error.Message, StringComparison.Ordinal);
    }
}
