using Backup.Core.Operations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// A full backup of a chain with change capture holds the library's own objects: the publication
/// backup_core (FOR ALL TABLES), the event triggers backup_core_ddl* and the schema backup_core.
/// Restores leave them out: they belong to the source's chain, and only a superuser may create
/// event triggers or a publication FOR ALL TABLES, so restoring them stopped every restore by a
/// non-superuser (pg_restore --exit-on-error). Point-in-time replay must work without them.
/// </summary>
public sealed class RestoreWithoutCaptureObjectsTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_ours_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _role = "it_restorer_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];
    private readonly string _key = Services.NewKey();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await OrdersWorkload.CreateTablesAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(_database, _recovered);
        await TestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS {_role}");
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task RestoreAndRecovery_AsSuperuser_LeaveOutTheCaptureObjects_AndGiveTheSourcesData()
    {
        using var provider = Build(TestServer.ConnectionString(_database));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        Assert.Equal("on", full.Properties["ddl-capture"]);
        var atFull = await SchemaMoment.RecordAsync(_database, "at the full backup");
        await TestServer.ExecuteAsync(_database, "UPDATE orders SET qty = qty + 1 WHERE id % 3 = 0");
        await TestServer.ExecuteAsync(_database, "ALTER TABLE orders ADD COLUMN remark text NOT NULL DEFAULT 'none'");
        await TestServer.ExecuteAsync(_database, "UPDATE orders SET remark = 'changed' WHERE id % 4 = 0; INSERT INTO orders (customer, qty) VALUES (7, 7)");
        var afterDdl = await SchemaMoment.RecordAsync(_database, "after the migration");
        await service.CreateIncrementalBackupAsync();

        var restored = await service.RestoreFromBackupAsync(full.Id, new RestoreOptions { TargetDatabase = _database + "_r" });
        _recovered.Add(restored.TargetDatabase);
        var recovered = await service.PointInTimeRecoveryAsync(afterDdl.At, new PointInTimeOptions { TargetDatabase = _database + "_p" });
        _recovered.Add(recovered.TargetDatabase);

        foreach (var (database, moment) in new[] { (restored.TargetDatabase, atFull), (recovered.TargetDatabase, afterDdl) })
        {
            Assert.Equal((0L, 0L, 0L), await CaptureObjectsAsync(database));
            Assert.Equal(moment.Schema, await DatabaseComparison.ApplicationSchemaAsync(database));
            Assert.Equal(moment.Hashes, await SchemaMoment.HashesAsync(database));
        }
        // The source keeps its own.
        Assert.Equal((1L, 3L, 1L), await CaptureObjectsAsync(_database));
    }

    [Fact]
    public async Task Restore_ByANonSuperuserOwningTheTarget_Succeeds()
    {
        using var provider = Build(TestServer.ConnectionString(_database));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        Assert.Equal("on", full.Properties["ddl-capture"]);
        var atFull = await SchemaMoment.RecordAsync(_database, "at the full backup");
        await TestServer.ExecuteAsync("postgres", $"CREATE ROLE {_role} LOGIN CREATEDB PASSWORD '{_password}'");

        var connection = new NpgsqlConnectionStringBuilder(TestServer.ConnectionString(_database)) { Username = _role, Password = _password }.ConnectionString;
        using var restorerProvider = Build(connection);
        var restorer = restorerProvider.Service();
        var target = _database + "_n";
        _recovered.Add(target);
        var restored = await restorer.RestoreFromBackupAsync(full.Id, new RestoreOptions { TargetDatabase = target, NoOwner = true });

        Assert.Equal(_role, await TestServer.ScalarAsync<string>("postgres", $"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{target}'"));
        Assert.Equal((0L, 0L, 0L), await CaptureObjectsAsync(restored.TargetDatabase));
        Assert.Equal(atFull.Hashes, await SchemaMoment.HashesAsync(restored.TargetDatabase));
    }

    private ServiceProvider Build(string connection) =>
        Services.Build(connection, _store.Path, _key, b => b.UsePostgres(connection, o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));

    // Our schema, event triggers and publication in database.
    private static async Task<(long Schemas, long EventTriggers, long Publications)> CaptureObjectsAsync(string database) => (
        await TestServer.ScalarAsync<long>(database, "SELECT count(*) FROM pg_namespace WHERE nspname = 'backup_core'"),
        await TestServer.ScalarAsync<long>(database, "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'backup\\_core\\_ddl%'"),
        await TestServer.ScalarAsync<long>(database, "SELECT count(*) FROM pg_publication WHERE pubname = 'backup_core'"));
}
