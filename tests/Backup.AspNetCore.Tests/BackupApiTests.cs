using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Tests;

/// <summary>The REST API of the sample host (samples/WebApi), against a real PostgreSQL and a local store.</summary>
/// <remarks>It reads /metrics, so it runs alone: another class's host alive meanwhile adds its own "Backup.Core" series (a failure seen under load).</remarks>
[Collection(Monitoring.MetricsRunAlone.Name)]
public sealed partial class BackupApiTests : IAsyncLifetime, IDisposable
{
    private const string AdminKey = "admin-key-0123456789abcdef";
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private const string StrangerKey = "stranger-key-0123456789abcdef";
    private readonly string _database = "it_api_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _fileRoot = new();
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY, v text, updated_at timestamptz NOT NULL DEFAULT now()); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Backup:DatabaseUrl", TestServer.ConnectionString(_database))
            .UseSetting("Backup:Postgres:ToolsDirectory", TestServer.ToolsDirectory)
            .UseSetting("Backup:Storage:Local:RootPath", _store.Path)
            .UseSetting("Backup:Encryption:Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))
            .UseSetting("Backup:Scheduler:Enabled", "false")
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .UseSetting($"Api:Keys:{AdminKey}", "backup-admin")
            .UseSetting($"Api:Keys:{ReaderKey}", "backup-reader")
            .UseSetting($"Api:Keys:{StrangerKey}", "someone-else")
            .UseSetting("BackupApi:AllowedFileRoots:0", _fileRoot.Path));
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        foreach (var database in await RestoredDatabasesAsync())
        {
            await TestServer.DropDatabaseAsync(database);
        }
        await TestServer.DropDatabaseAsync(_database);
    }

    public void Dispose()
    {
        _store.Dispose();
        _fileRoot.Dispose();
    }

    [Fact]
    public async Task WithoutCredentials401_WithAKeyLackingTheRole403()
    {
        var anonymous = _factory.CreateClient();
        var stranger = Client(StrangerKey);

        var unauthorized = await anonymous.GetAsync("/api/v1/backup/status");
        Assert.Equal((HttpStatusCode.Unauthorized, "application/problem+json"), (unauthorized.StatusCode, unauthorized.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/backup/full", null)).StatusCode);
        var forbidden = await stranger.GetAsync("/api/v1/backup/");
        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (forbidden.StatusCode, forbidden.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.DeleteAsync("/api/v1/backup/20260101T000000000Z-00000000")).StatusCode);
    }

    [Fact]
    public async Task FullBackup_Is202ThenPolled_ListedDetailedDownloadedRestoredDeleted_AndMetricsChange()
    {
        var client = Client(AdminKey);
        var metricsBefore = await client.GetStringAsync("/metrics");

        var accepted = await client.PostAsJsonAsync("/api/v1/backup/full", new { comment = "from the API" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var operation = await PollAsync(client, accepted.Headers.Location!.ToString());
        var id = operation.GetProperty("result").GetProperty("id").GetString()!;

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/?type=full");
        var details = await client.GetFromJsonAsync<JsonElement>($"/api/v1/backup/{id}");
        var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/status");
        var analytics = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/analytics/overview");
        var downloaded = await client.GetByteArrayAsync($"/api/v1/backup/{id}/download");
        var expected = await PlainContentAsync(id);

        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(("full", "from the API"), (details.GetProperty("type").GetString(), details.GetProperty("comment").GetString()));
        Assert.Equal(1, status.GetProperty("totalBackups").GetInt32());
        Assert.Equal(1.0, analytics.GetProperty("successRate").GetDouble());
        Assert.Equal(expected, downloaded);
        Assert.Equal("PGDMP"u8.ToArray(), downloaded[..5]);

        var restore = await client.PostAsJsonAsync($"/api/v1/backup/restore/{id}", new { targetDatabase = _database + "_r" });
        var restored = await PollAsync(client, restore.Headers.Location!.ToString());
        Assert.Equal(_database + "_r", restored.GetProperty("result").GetProperty("targetDatabase").GetString());
        Assert.Equal(2000L, await TestServer.ScalarAsync<long>(_database + "_r", "SELECT count(*) FROM t"));

        // The exposition line by line: Monitoring/MetricsExpositionTests.
        var metricsAfter = (await client.GetStringAsync("/metrics")).Split('\n');
        Assert.Contains("backup_total_backups{otel_scope_name=\"Backup.Core\"} 1", metricsAfter);
        Assert.Contains("backup_success_rate{otel_scope_name=\"Backup.Core\"} 1", metricsAfter);
        Assert.DoesNotContain("backup_total_backups{otel_scope_name=\"Backup.Core\"} 1", metricsBefore.Split('\n'));

        var health = await Client(ReaderKey).GetAsync("/health");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (health.StatusCode, await health.Content.ReadAsStringAsync()));

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/backup/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/backup/{id}")).StatusCode);
    }

    [Fact]
    public async Task DrillRoute_RunsADrillAsAnOperation_ListedNewestFirst_ReaderMayListNotRun()
    {
        var client = Client(AdminKey);
        await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());

        var forbidden = await Client(ReaderKey).PostAsync("/api/v1/backup/drills", null);
        var drill = await PollAsync(client, (await client.PostAsync("/api/v1/backup/drills", null)).Headers.Location!.ToString());
        var listed = await Client(ReaderKey).GetFromJsonAsync<JsonElement>("/api/v1/backup/drills");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var result = drill.GetProperty("result");
        Assert.True(result.GetProperty("success").GetBoolean(), result.ToString());
        Assert.True(result.GetProperty("totalSeconds").GetDouble() > 0);
        Assert.Equal(result.GetProperty("id").GetString(), Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.False(await TestServer.DatabaseExistsAsync(result.GetProperty("scratchDatabase").GetString()!));
    }

    [Fact]
    public async Task DrillAnalyticsRoute_AfterADrill_SuccessRateAndItsRecoveryTimePerGigabyte_BadLimit400()
    {
        var client = Client(AdminKey);
        await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var before = await Client(ReaderKey).GetFromJsonAsync<JsonElement>("/api/v1/backup/analytics/drills");
        var drill = (await PollAsync(client, (await client.PostAsync("/api/v1/backup/drills", null)).Headers.Location!.ToString())).GetProperty("result");

        var analytics = await Client(ReaderKey).GetFromJsonAsync<JsonElement>("/api/v1/backup/analytics/drills?limit=10");
        var future = await Client(ReaderKey).GetFromJsonAsync<JsonElement>($"/api/v1/backup/analytics/drills?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");
        var badLimit = await Client(ReaderKey).GetAsync("/api/v1/backup/analytics/drills?limit=0");

        Assert.Equal(0, before.GetProperty("totalDrills").GetInt32());
        Assert.False(before.TryGetProperty("successRate", out _));
        Assert.Equal(1.0, analytics.GetProperty("successRate").GetDouble());
        var point = Assert.Single(analytics.GetProperty("recoveryTimes").EnumerateArray());
        Assert.Equal(drill.GetProperty("id").GetString(), point.GetProperty("id").GetString());
        var expected = drill.GetProperty("totalSeconds").GetDouble() / (drill.GetProperty("bytes").GetInt64() / 1e9);
        Assert.Equal(expected, point.GetProperty("secondsPerGigabyte").GetDouble(), 6);
        Assert.Equal(expected, analytics.GetProperty("medianSecondsPerGigabyte").GetDouble(), 6);
        Assert.Equal(point.GetProperty("id").GetString(), analytics.GetProperty("latest").GetProperty("id").GetString());
        Assert.Equal(0, future.GetProperty("totalDrills").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task FilesIncrementalAndPointInTimeRoutes_RunAsOperations()
    {
        var client = Client(AdminKey);
        var files = SubDirectory("uploads");
        await File.WriteAllTextAsync(Path.Combine(files, "a.txt"), "hello");
        var target = SubDirectory("restored");

        var full = await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var incremental = await PollAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/incremental", new { comment = "inc" })).Headers.Location!.ToString());
        var fileBackup = await PollAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/files", new { name = "uploads", options = new { directories = new[] { files } } })).Headers.Location!.ToString());
        var fileId = fileBackup.GetProperty("result").GetProperty("id").GetString()!;
        var fileRestore = await PollAsync(client, (await client.PostAsJsonAsync($"/api/v1/backup/restore/{fileId}", new { files = new { targetDirectory = target } })).Headers.Location!.ToString());
        var recovered = await PollAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/restore/point-in-time", new { options = new { targetDatabase = _database + "_p" } })).Headers.Location!.ToString());

        Assert.Equal("incremental", incremental.GetProperty("result").GetProperty("type").GetString());
        Assert.Equal(full.GetProperty("result").GetProperty("id").GetString(), incremental.GetProperty("result").GetProperty("parentId").GetString());
        Assert.Equal(1, fileRestore.GetProperty("result").GetProperty("files").GetInt32());
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(target, Path.GetFileName(files), "a.txt")));
        Assert.Equal(_database + "_p", recovered.GetProperty("result").GetProperty("targetDatabase").GetString());
        Assert.Equal(2000L, await TestServer.ScalarAsync<long>(_database + "_p", "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task BackupWhileAnotherHoldsTheDatabase_OperationFailsWithA409Problem()
    {
        var client = Client(AdminKey);
        await using var other = await TestServer.HoldBackupLockAsync(_database);

        var accepted = await client.PostAsync("/api/v1/backup/full", null);
        var operation = await WaitForEndAsync(client, accepted.Headers.Location!.ToString());

        Assert.Equal("failed", operation.GetProperty("status").GetString());
        Assert.Equal(409, operation.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Contains("in progress", operation.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreOfATableTheBackupDoesNotHold_FailsWithA400NamingTheTable()
    {
        var client = Client(AdminKey);
        var full = await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var id = full.GetProperty("result").GetProperty("id").GetString();

        var accepted = await client.PostAsJsonAsync($"/api/v1/backup/restore/{id}", new { tables = new[] { "public.nosuch" }, dryRun = true });
        var operation = await WaitForEndAsync(client, accepted.Headers.Location!.ToString());

        Assert.Equal("failed", operation.GetProperty("status").GetString());
        var error = operation.GetProperty("error");
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("Unknown table", error.GetProperty("title").GetString());
        Assert.Contains("public.nosuch", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PointInTimeBeforeMigration_RecoversTheHooksPoint_UnknownIdIsA400ListingKnownIds_BadBodiesAre400()
    {
        var client = Client(AdminKey);
        var service = _factory.Services.GetRequiredService<Backup.Core.BackupService>();
        var hook = await service.BackupBeforeMigrationAsync("20261203120000_AddTags");
        await TestServer.ExecuteAsync(_database, "INSERT INTO t (id, v) SELECT g, 'after the hook' FROM generate_series(2001, 2100) g");
        await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());

        var recovered = await PollAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/restore/point-in-time", new { beforeMigration = "20261203120000_AddTags", options = new { targetDatabase = _database + "_p" } })).Headers.Location!.ToString());
        var unknown = await WaitForEndAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/restore/point-in-time", new { beforeMigration = "nope" })).Headers.Location!.ToString());
        var both = await client.PostAsJsonAsync("/api/v1/backup/restore/point-in-time", new { target = DateTimeOffset.UtcNow, beforeMigration = "20261203120000_AddTags" });
        var control = await client.PostAsJsonAsync("/api/v1/backup/restore/point-in-time", new { beforeMigration = "Add\nTags" });
        var tooLong = await client.PostAsJsonAsync("/api/v1/backup/restore/point-in-time", new { beforeMigration = new string('x', 201) });

        Assert.Equal(hook.RecoverTo, recovered.GetProperty("result").GetProperty("target").GetDateTimeOffset());
        Assert.Equal(2000L, await TestServer.ScalarAsync<long>(_database + "_p", "SELECT count(*) FROM t"));
        Assert.Equal("failed", unknown.GetProperty("status").GetString());
        Assert.Equal(400, unknown.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("Unknown migration", unknown.GetProperty("error").GetProperty("title").GetString());
        Assert.Contains("known: 20261203120000_AddTags", unknown.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
        foreach (var bad in new[] { both, control, tooLong })
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("beforeMigration", out _), problem.ToString());
        }
    }

    [Theory]
    [InlineData("GET", "/api/v1/backup/..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/v1/backup/not-an-id", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/v1/backup/20260101T000000000Z-00000000", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/v1/backup/20260101T000000000Z-00000000/download", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/api/v1/backup/20260101T000000000Z-00000000", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/backup/restore/20260101T000000000Z-00000000", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/v1/backup/?type=weekly", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/v1/backup/operations/nope", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/v1/backup/schedules/nope", HttpStatusCode.NotFound)]
    public async Task BadRequests_AreProblemDetails(string method, string url, HttpStatusCode expected)
    {
        var response = await Client(AdminKey).SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Schedules_CreateListGetUpdateEnableDisableRunDelete_AndFieldErrors()
    {
        var client = Client(AdminKey);

        var bad = await client.PostAsJsonAsync("/api/v1/backup/schedules/", new { id = "n", name = "N", cronExpression = "0 25 * * *" });
        var created = await client.PostAsJsonAsync("/api/v1/backup/schedules/", new { id = "nightly", name = "Nightly", type = "full", cronExpression = "0 2 * * *" });
        var duplicate = await client.PostAsJsonAsync("/api/v1/backup/schedules/", new { id = "nightly", name = "Nightly", cronExpression = "0 2 * * *" });
        var updated = await client.PutAsJsonAsync("/api/v1/backup/schedules/nightly", new { id = "ignored", name = "Nightly", cronExpression = "0 3 * * *" });
        var disabled = await client.PostAsync("/api/v1/backup/schedules/nightly/disable", null);
        var enabled = await client.PostAsync("/api/v1/backup/schedules/nightly/enable", null);
        var run = await client.PostAsync("/api/v1/backup/schedules/nightly/run", null);
        var ran = await PollAsync(client, run.Headers.Location!.ToString());
        var listed = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/schedules/");
        var got = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/schedules/nightly");
        var deleted = await client.DeleteAsync("/api/v1/backup/schedules/nightly");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("cronExpression", out _));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/backup/schedules/nightly", created.Headers.Location?.ToString());
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (duplicate.StatusCode, duplicate.Content.Headers.ContentType?.MediaType));
        Assert.Equal("0 3 * * *", (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cronExpression").GetString());
        Assert.False((await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("enabled").GetBoolean());
        Assert.True((await enabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("enabled").GetBoolean());
        Assert.Equal("succeeded", ran.GetProperty("status").GetString());
        Assert.Equal("nightly", Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("Nightly", got.GetProperty("name").GetString());
        Assert.Equal("ok", got.GetProperty("health").GetString());
        Assert.True(got.GetProperty("nextRun").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal("succeeded", got.GetProperty("lastRun").GetProperty("outcome").GetString());
        Assert.Equal(ran.GetProperty("result").GetString(), got.GetProperty("lastRun").GetProperty("result").GetString());
        Assert.Equal("ok", Assert.Single(listed.EnumerateArray()).GetProperty("health").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Cleanup_IsADryRunByDefault_AndHealthReportsNoBackupYet()
    {
        var client = Client(AdminKey);

        var plan = await (await client.PostAsync("/api/v1/backup/cleanup", null)).Content.ReadFromJsonAsync<JsonElement>();
        var health = await Client(ReaderKey).GetAsync("/health");

        Assert.True(plan.GetProperty("dryRun").GetBoolean());
        // A fresh install within the first-backup grace: degraded, which a probe still passes (200).
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
    }

    private string SubDirectory(string name) => Directory.CreateDirectory(Path.Combine(_fileRoot.Path, name)).FullName;

    private HttpClient Client(string key)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string location)
    {
        var operation = await WaitForEndAsync(client, location);
        Assert.True(operation.GetProperty("status").GetString() == "succeeded", operation.ToString());
        return operation;
    }

    private static Task<JsonElement> WaitForEndAsync(HttpClient client, string location) => Hosting.ApiPolling.WaitForEndAsync(client, location);

    private async Task<byte[]> PlainContentAsync(string id)
    {
        var service = _factory.Services.GetRequiredService<Backup.Core.BackupService>();
        await using var stream = await service.OpenBackupContentAsync(id);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private Task<List<string>> RestoredDatabasesAsync() => Task.FromResult(new List<string> { _database + "_r", _database + "_p" });
}
