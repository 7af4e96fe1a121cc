using System.Formats.Tar;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Backup.AspNetCore.Tests;

/// <summary>Deletes of backups others depend on, and downloads of file backups and incrementals.</summary>
public sealed partial class BackupApiTests
{
    [Fact]
    public async Task DeleteOfAFullWithIncrementals_Is409NamingThem_CascadeDeletesThemAll()
    {
        var client = Client(AdminKey);
        var full = await ResultIdAsync(client, await client.PostAsync("/api/v1/backup/full", null));
        await TestServer.ExecuteAsync(_database, "UPDATE t SET v = 'x', updated_at = now() WHERE id = 1");
        var first = await ResultIdAsync(client, await client.PostAsync("/api/v1/backup/incremental", null));
        await TestServer.ExecuteAsync(_database, "UPDATE t SET v = 'y', updated_at = now() WHERE id = 2");
        var second = await ResultIdAsync(client, await client.PostAsync("/api/v1/backup/incremental", null));

        var refused = await client.DeleteAsync($"/api/v1/backup/{full}");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var stillThere = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/");
        var cascaded = await client.DeleteAsync($"/api/v1/backup/{full}?cascade=true");
        var after = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal([second, first], problem.GetProperty("dependents").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("2 backup(s) depend on it", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, stillThere.GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, cascaded.StatusCode);
        Assert.Equal(full, (await cascaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(0, after.GetArrayLength());
    }

    [Fact]
    public async Task DownloadOfAFileBackup_IsItsTar_ListingTheBackedUpFiles()
    {
        var client = Client(AdminKey);
        var files = SubDirectory("docs");
        await File.WriteAllTextAsync(Path.Combine(files, "a.txt"), "hello");
        Directory.CreateDirectory(Path.Combine(files, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(files, "sub", "b.bin"), RandomNumberGenerator.GetBytes(100_000));
        var id = await ResultIdAsync(client, await client.PostAsJsonAsync("/api/v1/backup/files", new { name = "docs", options = new { directories = new[] { files } } }));

        var response = await client.GetAsync($"/api/v1/backup/{id}/download");
        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var tar = new TarReader(await response.Content.ReadAsStreamAsync()))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    entries[entry.Name] = entry.Length;
                }
            }
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-tar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{id}.tar", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(
            new Dictionary<string, long> { ["docs/a.txt"] = 5, ["docs/sub/b.bin"] = 100_000 },
            entries.ToDictionary(e => e.Key.TrimStart('/'), e => e.Value));
    }

    [Fact]
    public async Task DownloadOfAnIncremental_IsItsDecryptedSegment_WhoseHashIsTheManifests()
    {
        var client = Client(AdminKey);
        await ResultIdAsync(client, await client.PostAsync("/api/v1/backup/full", null));
        await TestServer.ExecuteAsync(_database, "UPDATE t SET v = 'changed', updated_at = now() WHERE id <= 10");
        var id = await ResultIdAsync(client, await client.PostAsync("/api/v1/backup/incremental", null));
        var manifest = await client.GetFromJsonAsync<JsonElement>($"/api/v1/backup/{id}");

        var response = await client.GetAsync($"/api/v1/backup/{id}/download");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{id}.changes", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(manifest.GetProperty("content").GetProperty("plainSha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)), ignoreCase: true);
    }

    private static async Task<string> ResultIdAsync(HttpClient client, HttpResponseMessage accepted)
    {
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var operation = await PollAsync(client, accepted.Headers.Location!.ToString());
        return operation.GetProperty("result").GetProperty("id").GetString()!;
    }
}
