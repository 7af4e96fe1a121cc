using System.Formats.Tar;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backup.Core.Abstractions;
using Backup.Core.Storage;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backup.AspNetCore.Tests;

/// <summary>Issue #20: per-capability policies, server settings requests cannot override, verified downloads, strict bodies, sanitized errors.</summary>
public sealed partial class BackupApiTests
{
    [Fact]
    public async Task ReaderKey_Reads200_ButBackupRestoreDownloadDeleteAndScheduleChanges403()
    {
        var reader = Client(ReaderKey);
        const string id = "20260101T000000000Z-00000000";

        foreach (var url in new[] { "/api/v1/backup/status", "/api/v1/backup/", "/api/v1/backup/analytics/overview", "/api/v1/backup/analytics/drills", "/api/v1/backup/schedules", "/metrics" })
        {
            Assert.True((await reader.GetAsync(url)).StatusCode == HttpStatusCode.OK, url);
        }
        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync("/api/v1/backup/cleanup", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/v1/backup/cleanup?dryRun=false", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/v1/backup/full", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync($"/api/v1/backup/restore/{id}", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync($"/api/v1/backup/{id}/download")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"/api/v1/backup/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("/api/v1/backup/schedules", new { id = "n", name = "N", cronExpression = "0 2 * * *" })).StatusCode);
    }

    [Fact]
    public async Task HealthAndMetrics_WithoutCredentials_Are401()
    {
        var anonymous = _factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task FileBackupOrRestoreOutsideTheAllowedRoots_Is400_AlsoThroughDotDotAndSymlinks()
    {
        var client = Client(AdminKey);
        var inside = SubDirectory("inside");
        var link = Path.Combine(_fileRoot.Path, "escape");
        Directory.CreateSymbolicLink(link, "/etc");

        foreach (var directory in new[] { "/etc", Path.Combine(inside, "..", "..", "..", "etc"), link, "relative/dir" })
        {
            var response = await client.PostAsJsonAsync("/api/v1/backup/files", new { name = "x", options = new { directories = new[] { directory } } });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{directory}: {response.StatusCode}");
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("options.directories[0]", out _));
        }
        var included = await client.PostAsJsonAsync("/api/v1/backup/full", new { includeFiles = new { directories = new[] { "/root" } } });
        var restore = await client.PostAsJsonAsync("/api/v1/backup/restore/point-in-time", new { options = new { files = new { targetDirectory = Path.Combine(link, "cron.d") } } });

        Assert.Equal(HttpStatusCode.BadRequest, included.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, restore.StatusCode);
        Assert.True((await restore.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("options.files.targetDirectory", out _));
    }

    [Fact]
    public async Task DropExistingPlaintextAndReplacingTheSource_AreServerSettings_RefusedInRequests()
    {
        var client = Client(AdminKey);
        var full = await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var id = full.GetProperty("result").GetProperty("id").GetString();

        var drop = await client.PostAsJsonAsync($"/api/v1/backup/restore/{id}", new { targetDatabase = _database + "_r", dropExisting = true });
        var source = await client.PostAsJsonAsync($"/api/v1/backup/restore/{id}", new { targetDatabase = _database });
        var plain = await client.PostAsJsonAsync("/api/v1/backup/full", new { encrypt = false });
        var plainFiles = await client.PostAsJsonAsync("/api/v1/backup/files", new { name = "x", options = new { directories = new[] { SubDirectory("d") }, encrypt = false } });

        Assert.Equal("dropExisting", SingleError(await ProblemAsync(drop, HttpStatusCode.BadRequest)));
        Assert.Equal("targetDatabase", SingleError(await ProblemAsync(source, HttpStatusCode.BadRequest)));
        Assert.Equal("encrypt", SingleError(await ProblemAsync(plain, HttpStatusCode.BadRequest)));
        Assert.Equal("options.encrypt", SingleError(await ProblemAsync(plainFiles, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Download_OfATamperedBackup_Is422Problem_NotA200()
    {
        var client = Client(AdminKey);
        var (id, data) = await FullBackupDataFileAsync(client);
        var bytes = await File.ReadAllBytesAsync(data);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(data, bytes);

        var response = await client.GetAsync($"/api/v1/backup/{id}/download");

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.DoesNotContain(_store.Path, problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_OfAFileBackup_IsItsTarArchive()
    {
        var client = Client(AdminKey);
        var files = SubDirectory("uploads");
        await File.WriteAllTextAsync(Path.Combine(files, "a.txt"), "hello");
        var backup = await PollAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/files", new { name = "uploads", options = new { directories = new[] { files } } })).Headers.Location!.ToString());

        var response = await client.GetAsync($"/api/v1/backup/{backup.GetProperty("result").GetProperty("id").GetString()}/download");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = new List<string>();
        await using var tar = new TarReader(await response.Content.ReadAsStreamAsync());
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }
        Assert.Contains(names, n => n.EndsWith("uploads/a.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BodyThatIsNotJson_Is415()
    {
        var client = Client(AdminKey);

        var text = await client.PostAsync("/api/v1/backup/full", new StringContent("{}", Encoding.UTF8, "text/plain"));
        var form = await client.PostAsync("/api/v1/backup/cleanup?dryRun=false", new FormUrlEncodedContent([]));

        await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        await ProblemAsync(form, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task UnknownOrOverlongFields_Are400NamingTheField()
    {
        var client = Client(AdminKey);

        var misspelt = await client.PostAsJsonAsync("/api/v1/backup/full", new { comment = "x", waitIfBsy = true });
        var huge = await client.PostAsJsonAsync("/api/v1/backup/full", new { comment = new string('x', 20_000) });
        var tooManyTables = await client.PostAsJsonAsync("/api/v1/backup/full", new { tables = Enumerable.Range(0, 1000).Select(i => $"t{i}").ToArray() });

        Assert.Equal("waitIfBsy", SingleError(await ProblemAsync(misspelt, HttpStatusCode.BadRequest)));
        Assert.Equal("comment", SingleError(await ProblemAsync(huge, HttpStatusCode.BadRequest)));
        Assert.Equal("tables", SingleError(await ProblemAsync(tooManyTables, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task ErrorResponses_ShowNoStoragePathHostPortOrDotNetTypeName()
    {
        var client = Client(AdminKey);
        var (id, data) = await FullBackupDataFileAsync(client);
        File.Delete(data);

        var missing = (await (await client.GetAsync($"/api/v1/backup/{id}/download?unverified=true")).Content.ReadAsStringAsync());
        var wrongType = (await (await client.PostAsJsonAsync("/api/v1/backup/full", new { encrypt = "yes" })).Content.ReadAsStringAsync());

        foreach (var body in new[] { missing, wrongType })
        {
            Assert.DoesNotContain(_store.Path, body, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Backup.Core.", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_TwoCallsWithinTheCacheWindow_ReadTheCatalogOnce()
    {
        CountingStorage? store = null;
        using var factory = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStorageProvider>(sp =>
            store = new CountingStorage(new LocalStorageProvider(sp.GetRequiredService<IOptions<LocalStorageOptions>>())))));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ReaderKey);

        await client.GetAsync("/health");
        var afterFirst = store!.Lists;
        await client.GetAsync("/health");

        Assert.True(afterFirst > 0);
        Assert.Equal(afterFirst, store.Lists);
    }

    // The stored dump of a new full backup, to damage or remove.
    private async Task<(string Id, string DataFile)> FullBackupDataFileAsync(HttpClient client)
    {
        var full = await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var id = full.GetProperty("result").GetProperty("id").GetString()!;
        return (id, Directory.EnumerateFiles(_store.Path, $"{id}.dump*", SearchOption.AllDirectories).Single());
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    private static string SingleError(JsonElement problem) => Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name;
}
