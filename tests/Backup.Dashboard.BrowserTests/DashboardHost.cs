using System.Security.Claims;
using System.Security.Cryptography;
using Backup.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.Dashboard.BrowserTests;

/// <summary>
/// A host as an application would write it, listening on a real port for the browser: the backup
/// system on a real PostgreSQL database and a local store, cookie sign-in, two roles (an admin and
/// a reader), and the dashboard under /backup. <c>/test-sign-in/{role}</c> stands in for the
/// host's own login page.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    public const string Admin = "backup-admin";
    public const string Reader = "backup-reader";

    private readonly WebApplication _app;
    private readonly TempDirectory _store;

    private DashboardHost(WebApplication app, TempDirectory store, string database)
    {
        _app = app;
        _store = store;
        Database = database;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri BaseAddress { get; }

    public string Database { get; }

    public BackupService Service => _app.Services.GetRequiredService<BackupService>();

    public IServiceProvider Services => _app.Services;

    public Uri Url(string path) => new(BaseAddress, path);

    public static async Task<DashboardHost> StartAsync(string database)
    {
        var store = new TempDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backup:DatabaseUrl"] = TestServer.ConnectionString(database),
            ["Backup:Postgres:ToolsDirectory"] = TestServer.ToolsDirectory,
            ["Backup:Storage:Local:RootPath"] = store.Path,
            ["Backup:Encryption:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Backup:Scheduler:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddBackupSystem();
        builder.Services.AddBackupDashboard();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => o.LoginPath = "/sign-in");
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("backup-admin", p => p.RequireRole(Admin))
            .AddPolicy("backup-read", p => p.RequireRole(Admin, Reader));

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/sign-in", () => Results.Content("<html><body><h1 data-test='sign-in'>Sign in</h1></body></html>", "text/html"));
        app.MapGet("/test-sign-in/{role}", async (HttpContext http, string role) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, role), new Claim(ClaimTypes.Role, role)], CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(new ClaimsPrincipal(identity));
            return Results.Redirect("/backup");
        });
        app.MapBackupDashboard("/backup", o =>
        {
            o.AuthorizationPolicy = "backup-admin";
            o.ReadPolicy = "backup-read";
        });
        await app.StartAsync();
        return new DashboardHost(app, store, database);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _store.Dispose();
    }
}
