using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Backup.AspNetCore.Tests.Dashboard;

/// <summary>The dashboard of the sample host (samples/WebApi maps it at /backup), over HTTP, against a real PostgreSQL and a local store.</summary>
public sealed partial class DashboardTests : IAsyncLifetime, IDisposable
{
    private const string AdminKey = "admin-key-0123456789abcdef";
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private const string StrangerKey = "stranger-key-0123456789abcdef";
    private const string Hostile = "<script>alert('x')</script>";
    private readonly string _database = "it_dash_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _encryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _fileRoot = new();
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Backup:DatabaseUrl", TestServer.ConnectionString(_database))
            .UseSetting("Backup:Postgres:ToolsDirectory", TestServer.ToolsDirectory)
            .UseSetting("Backup:Storage:Local:RootPath", _store.Path)
            .UseSetting("Backup:Encryption:Key", _encryptionKey)
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
        await TestServer.DropDatabaseAsync(_database + "_r");
        await TestServer.DropDatabaseAsync(_database);
    }

    public void Dispose()
    {
        _store.Dispose();
        _fileRoot.Dispose();
    }

    // Cookies kept (the antiforgery cookie), redirects not followed (a test looks at the 303).
    private HttpClient Client(string? key)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        return client;
    }

    /// <summary>A full backup through the REST API, as the data the pages show.</summary>
    private async Task<string> BackupAsync(string? comment = null)
    {
        var client = Client(AdminKey);
        var accepted = await client.PostAsJsonAsync("/api/v1/backup/full", new { comment });
        var operation = await WaitForOperationAsync(client, accepted.Headers.Location!.ToString());
        return operation.GetProperty("result").GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> WaitForOperationAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 600; i++)
        {
            var operation = await client.GetFromJsonAsync<JsonElement>(location);
            if (operation.GetProperty("status").GetString() != "running")
            {
                Assert.True(operation.GetProperty("status").GetString() == "succeeded", operation.ToString());
                return operation;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the operation did not finish");
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return html;
    }

    /// <summary>Submits the form with that data-test as a browser would: its fields (the token among them) and the cookie the GET set.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string html, string test, Dictionary<string, string>? extra = null)
    {
        var (action, fields) = DashboardPage.Form(html, test);
        foreach (var (name, value) in extra ?? [])
        {
            fields[name] = value;
        }
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }
}
