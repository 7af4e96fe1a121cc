using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Tests;

/// <summary>
/// Two replicas of the sample host (two TestServers) on one store and one PostgreSQL: an operation
/// started on one is polled, listed and cancelled on the other, and its record expires.
/// </summary>
public sealed class ReplicaOperationsTests : IAsyncLifetime, IDisposable
{
    private const string AdminKey = "admin-key-0123456789abcdef";
    private readonly string _database = "it_replicas_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly TempDirectory _store = new();
    private WebApplicationFactory<Program> _a = null!;
    private WebApplicationFactory<Program> _b = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY, v text, updated_at timestamptz NOT NULL DEFAULT now()); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
        _a = Replica(TimeSpan.FromHours(1));
        _b = Replica(TimeSpan.FromHours(1));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await TestServer.DropDatabaseAsync(_database + "_r");
        await TestServer.DropDatabaseAsync(_database);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task BackupStartedOnA_IsPolledOnBUntilDone_AndListedOnBoth_WithItsBackupId()
    {
        var a = Client(_a);
        var b = Client(_b);

        var accepted = await a.PostAsJsonAsync("/api/v1/backup/full", new { comment = "replicas" });
        var location = accepted.Headers.Location!.ToString();
        var first = await b.GetAsync(location);
        var done = await WaitForEndAsync(b, location);
        var listedOnB = await b.GetFromJsonAsync<JsonElement>("/api/v1/backup/operations");
        var succeededOnA = await a.GetFromJsonAsync<JsonElement>("/api/v1/backup/operations?status=succeeded");
        var runningOnB = await b.GetFromJsonAsync<JsonElement>("/api/v1/backup/operations?status=running");
        var badStatus = await b.GetAsync("/api/v1/backup/operations?status=sleeping");
        var backups = await b.GetFromJsonAsync<JsonElement>("/api/v1/backup/");

        // The record is in the store before the 202: the very first poll on the other replica finds it.
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(backups[0].GetProperty("id").GetString(), done.GetProperty("result").GetProperty("id").GetString());
        Assert.Equal(done.GetProperty("id").GetString(), Assert.Single(listedOnB.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(done.GetProperty("id").GetString(), Assert.Single(succeededOnA.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(0, runningOnB.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }

    [Fact]
    public async Task BackupRunningOnA_CancelledOnB_EndsCancelled_OnBothReplicas()
    {
        var a = Client(_a);
        var b = Client(_b);
        // The backup waits for the database's backup lock, held here: it runs until it is cancelled.
        await using var other = await TestServer.HoldBackupLockAsync(_database);
        var accepted = await a.PostAsJsonAsync("/api/v1/backup/full", new { waitIfBusy = true });
        var location = accepted.Headers.Location!.ToString();
        var id = location[(location.LastIndexOf('/') + 1)..];
        await Task.Delay(500);
        Assert.Equal("running", (await b.GetFromJsonAsync<JsonElement>(location)).GetProperty("status").GetString());

        var cancel = await b.PostAsync($"/api/v1/backup/operations/{id}/cancel", null);
        var onB = await WaitForEndAsync(b, location);
        var onA = await a.GetFromJsonAsync<JsonElement>(location);
        var again = await b.PostAsync($"/api/v1/backup/operations/{id}/cancel", null);
        var unknown = await b.PostAsync($"/api/v1/backup/operations/{new string('0', 32)}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True((await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelRequested").GetBoolean());
        Assert.Equal("cancelled", onB.GetProperty("status").GetString());
        Assert.Equal("cancelled", onA.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, (await b.GetFromJsonAsync<JsonElement>("/api/v1/backup/?status=completed")).GetArrayLength());
    }

    [Fact]
    public async Task RestoreProgress_SeenFromTheOtherReplica_HasATotal_AndEndsAt100()
    {
        var a = Client(_a);
        var b = Client(_b);
        var backup = await WaitForEndAsync(b, (await a.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var id = backup.GetProperty("result").GetProperty("id").GetString()!;
        var rawBytes = (await b.GetFromJsonAsync<JsonElement>($"/api/v1/backup/{id}")).GetProperty("content").GetProperty("rawBytes").GetInt64();

        var restore = await a.PostAsJsonAsync($"/api/v1/backup/restore/{id}", new { targetDatabase = _database + "_r" });
        var restored = await WaitForEndAsync(b, restore.Headers.Location!.ToString());

        Assert.Equal("succeeded", restored.GetProperty("status").GetString());
        Assert.Equal(rawBytes, restored.GetProperty("total").GetInt64());
        Assert.Equal(100, restored.GetProperty("percent").GetDouble());
        Assert.Equal(_database + "_r", restored.GetProperty("result").GetProperty("targetDatabase").GetString());
    }

    [Fact]
    public async Task FinishedOperation_ExpiresFromTheStore_AndFromTheList()
    {
        await using var shortLived = Replica(TimeSpan.FromSeconds(1));
        var client = Client(shortLived);
        var done = await WaitForEndAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var id = done.GetProperty("id").GetString()!;
        var record = Path.Combine(_store.Path, "operations", id + ".json.enc");
        Assert.True(File.Exists(record));
        Assert.DoesNotContain("succeeded", await File.ReadAllTextAsync(record), StringComparison.Ordinal);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var listed = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/operations");
        var got = await Client(_b).GetAsync($"/api/v1/backup/operations/{id}");

        Assert.Equal(0, listed.GetArrayLength());
        Assert.False(File.Exists(record));
        Assert.Equal(HttpStatusCode.NotFound, got.StatusCode);
    }

    private WebApplicationFactory<Program> Replica(TimeSpan retention) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Backup:DatabaseUrl", TestServer.ConnectionString(_database))
            .UseSetting("Backup:Postgres:ToolsDirectory", TestServer.ToolsDirectory)
            .UseSetting("Backup:Storage:Local:RootPath", _store.Path)
            .UseSetting("Backup:Encryption:Key", _key)
            .UseSetting("Backup:Scheduler:Enabled", "false")
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .UseSetting($"Api:Keys:{AdminKey}", "backup-admin")
            .ConfigureServices(s => s.Configure<BackupOperationsOptions>(o =>
            {
                o.Retention = retention;
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            })));

    private static HttpClient Client(WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    private static async Task<JsonElement> WaitForEndAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 600; i++)
        {
            var operation = await client.GetFromJsonAsync<JsonElement>(location);
            if (operation.GetProperty("status").GetString() != "running")
            {
                return operation;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the operation did not finish");
    }
}
