using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// Issue #15 on a server that gives the backup role no right to create event triggers (a managed
/// service's usual role: REPLICATION and pg_read_all_data, not superuser): the chain is taken
/// without DDL capture, the manifest says so and why, and a schema change ends the chain as before.
/// </summary>
public sealed class DdlCaptureFallbackTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_norights_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _role = "it_backup_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await OrdersWorkload.CreateTablesAsync(_database);
        await TestServer.ExecuteAsync("postgres", $"CREATE ROLE {_role} LOGIN REPLICATION PASSWORD '{_password}'; GRANT pg_read_all_data TO {_role}");
        // CREATE PUBLICATION ... FOR ALL TABLES needs a superuser: made beforehand under the name the library uses.
        await TestServer.ExecuteAsync(_database, "CREATE PUBLICATION backup_core FOR ALL TABLES");
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(_database, []);
        await TestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS {_role}");
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FullBackup_WithoutEventTriggerRights_RecordsTheFallbackAndASchemaChangeEndsTheChainAsBefore()
    {
        var connection = new NpgsqlConnectionStringBuilder(TestServer.ConnectionString(_database)) { Username = _role, Password = _password }.ConnectionString;
        var key = Services.NewKey();
        using var provider = Services.Build(connection, _store.Path, key,
            b => b.UsePostgres(connection, o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();

        var full = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE orders SET qty = qty + 1 WHERE id <= 10");
        var before = await service.CreateIncrementalBackupAsync();
        await TestServer.ExecuteAsync(_database, "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'");
        await TestServer.ExecuteAsync(_database, "UPDATE orders SET status = 'paid' WHERE id <= 5");
        var error = await Assert.ThrowsAsync<SchemaChangedException>(() => service.CreateIncrementalBackupAsync());

        var capture = full.Properties["ddl-capture"];
        Assert.StartsWith("off:", capture, StringComparison.Ordinal);
        Assert.Contains("event trigger", capture, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((full.Id, 10L), (before.ChainId!, before.ChangeCount));
        Assert.Contains("public.orders", error.Message, StringComparison.Ordinal);
        // Nothing of the capture was left behind half-installed by the role that could not finish it.
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_event_trigger"));

        // With NewChainOnSchemaChange the same change starts a new chain, again without DDL capture.
        using var renewing = Services.Build(connection, _store.Path, key,
            b => b.UsePostgres(connection, o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; o.NewChainOnSchemaChange = true; }));
        var instead = await renewing.Service().CreateIncrementalBackupAsync();
        Assert.Equal(BackupType.Full, instead.Type);
        Assert.StartsWith("off:", instead.Properties["ddl-capture"], StringComparison.Ordinal);
    }
}
