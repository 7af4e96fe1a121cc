using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Backup.AspNetCore.Tests.Hosting;

/// <summary>
/// A host as a new user writes it from <c>dotnet new web</c>: only what the test adds, in memory,
/// with the backup system's settings pointing at a real PostgreSQL database and a local store.
/// </summary>
internal sealed class MinimalHost : IAsyncDisposable
{
    private readonly TempDirectory _store;

    private MinimalHost(WebApplication app, TempDirectory store)
    {
        App = app;
        _store = store;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>Builds the host; <paramref name="map"/> may throw (a start-up misconfiguration), and then nothing is left running.</summary>
    public static async Task<MinimalHost> StartAsync(string database, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var store = new TempDirectory();
        try
        {
            var builder = Builder(database, store);
            configure(builder);
            var app = builder.Build();
            map(app);
            await app.StartAsync();
            return new MinimalHost(app, store);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public static WebApplicationBuilder Builder(string database, TempDirectory store)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backup:DatabaseUrl"] = Backup.TestSupport.TestServer.ConnectionString(database),
            ["Backup:Postgres:ToolsDirectory"] = Backup.TestSupport.TestServer.ToolsDirectory,
            ["Backup:Storage:Local:RootPath"] = store.Path,
            ["Backup:Encryption:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Backup:Scheduler:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _store.Dispose();
    }
}
