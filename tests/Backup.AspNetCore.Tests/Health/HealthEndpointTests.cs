using System.Net;
using System.Security.Cryptography;
using Backup.Core;
using Backup.Core.Operations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Tests.Health;

/// <summary>The sample host's <c>/health</c> (MapHealthChecks over AddBackupHealthCheck) as a probe sees it, against a real PostgreSQL.</summary>
public sealed class HealthEndpointTests : IAsyncLifetime, IDisposable
{
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _database = "it_health_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100)");
    }

    public async Task DisposeAsync() => await TestServer.DropDatabaseAsync(_database);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FreshInstall_200Degraded_AfterABackup_200Healthy()
    {
        await using var host = Host(TestServer.ConnectionString(_database));

        var fresh = await Client(host).GetAsync("/health");
        await host.Services.GetRequiredService<BackupService>().CreateFullBackupAsync(new FullBackupOptions());
        // A new host over the store: the verdict cache of the first one does not hide the backup.
        await using var later = Host(TestServer.ConnectionString(_database));
        var backedUp = await Client(later).GetAsync("/health");

        Assert.Equal((HttpStatusCode.OK, "Degraded"), (fresh.StatusCode, await fresh.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (backedUp.StatusCode, await backedUp.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task UnreachableDatabase_503Unhealthy_EvenWithAGoodBackup()
    {
        await using (var good = Host(TestServer.ConnectionString(_database)))
        {
            await good.Services.GetRequiredService<BackupService>().CreateFullBackupAsync(new FullBackupOptions());
        }
        await using var host = Host($"Host=127.0.0.1;Port=1;Database={_database};Username=postgres;Password=wrong;Timeout=2");

        var response = await Client(host).GetAsync("/health");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    private WebApplicationFactory<Program> Host(string database) => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
        .UseSetting("Backup:DatabaseUrl", database)
        .UseSetting("Backup:Postgres:ToolsDirectory", TestServer.ToolsDirectory)
        .UseSetting("Backup:Storage:Local:RootPath", _store.Path)
        .UseSetting("Backup:Encryption:Key", Key)
        .UseSetting("Backup:Scheduler:Enabled", "false")
        .UseSetting("Logging:LogLevel:Default", "Warning")
        .UseSetting($"Api:Keys:{ReaderKey}", "backup-reader"));

    private static HttpClient Client(WebApplicationFactory<Program> host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ReaderKey);
        return client;
    }
}
