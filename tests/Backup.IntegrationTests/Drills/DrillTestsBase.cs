using Backup.Core.Drills;
using Backup.Core.Health;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Backup.IntegrationTests.Drills;

/// <summary>What the drill test classes share: a backed-up database of 500 accounts with balance 0, a store, and a host over both with change capture on.</summary>
public abstract class DrillTestsBase : IAsyncLifetime, IDisposable
{
    protected string Database { get; } = "it_drill_" + Guid.NewGuid().ToString("N")[..8];

    protected TempDirectory Store { get; } = new();

    protected string Key { get; } = Services.NewKey();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(Database);
        await TestServer.ExecuteAsync(Database, """
            CREATE TABLE accounts (aid int PRIMARY KEY, abalance int NOT NULL);
            INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 500) g;
            """);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(Database, []);

    public void Dispose()
    {
        Store.Dispose();
        GC.SuppressFinalize(this);
    }

    protected ServiceProvider Build(Action<RestoreDrillsOptions>? drills = null, Action<Backup.Core.Configuration.BackupOptions>? configureBackup = null) =>
        Services.Build(TestServer.ConnectionString(Database), Store.Path, Key, b =>
        {
            b.UsePostgres(TestServer.ConnectionString(Database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; });
            b.Services.Configure<BackupHealthOptions>(o => o.CacheDuration = TimeSpan.Zero);
            b.Services.Configure<RestoreDrillsOptions>(o => drills?.Invoke(o));
            if (configureBackup is not null)
            {
                b.Configure(configureBackup);
            }
        });

    /// <summary>A full backup, every balance set to 1, an incremental backup: a drill has both to restore and to replay.</summary>
    protected async Task<(Backup.Core.Catalog.BackupManifest Full, Backup.Core.Catalog.BackupManifest Incremental)> FullThenIncrementalAsync(Backup.Core.BackupService service)
    {
        var full = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(Database, "UPDATE accounts SET abalance = 1");
        return (full, await service.CreateIncrementalBackupAsync());
    }

    protected static Task<HealthCheckResult> CheckHealthAsync(ServiceProvider provider) =>
        ActivatorUtilities.CreateInstance<BackupHealthCheck>(provider).CheckHealthAsync(new HealthCheckContext());
}
