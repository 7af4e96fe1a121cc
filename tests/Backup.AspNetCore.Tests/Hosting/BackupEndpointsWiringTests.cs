using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Tests.Hosting;

/// <summary>
/// <c>MapBackupEndpoints</c> in hosts wired as a new user wires them: with or without
/// <c>AddBackupEndpoints</c>, and misconfigured ones that must stop at start with the fix.
/// </summary>
public sealed class BackupEndpointsWiringTests : IAsyncLifetime
{
    private readonly string _database = "it_wiring_" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10)");
    }

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task WithoutAddBackupEndpoints_TheHostsOwnRouteAndTheApiBothAnswer()
    {
        await using var host = await MinimalHost.StartAsync(_database, b => b.Services.AddBackupSystem(), app =>
        {
            app.MapGet("/hello", () => "hello");
            app.MapBackupEndpoints(o => o.AllowAnonymous = true);
        });

        var hello = await host.Client.GetAsync("/hello");
        var status = await host.Client.GetAsync("/api/v1/backup/status");
        var accepted = await host.Client.PostAsync("/api/v1/backup/full", null);
        var operation = await ApiPolling.WaitForEndAsync(host.Client, accepted.Headers.Location!.ToString());

        Assert.Equal((HttpStatusCode.OK, "hello"), (hello.StatusCode, await hello.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("succeeded", operation.GetProperty("status").GetString());
    }

    [Fact]
    public async Task WithAddBackupEndpoints_TheApiUsesTheRegisteredOperations()
    {
        await using var host = await MinimalHost.StartAsync(_database, b => b.Services.AddBackupSystem().AddBackupEndpoints(), app => app.MapBackupEndpoints(o => o.AllowAnonymous = true));

        var accepted = await host.Client.PostAsync("/api/v1/backup/full", null);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await ApiPolling.WaitForEndAsync(host.Client, accepted.Headers.Location!.ToString());

        Assert.NotNull(host.App.Services.GetRequiredService<BackupOperations>().Get(id));
    }

    [Fact]
    public async Task WithoutAddBackupSystem_MappingFailsAtStart_NamingTheFix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            MinimalHost.StartAsync(_database, _ => { }, app => app.MapBackupEndpoints(o => o.AllowAnonymous = true)));

        Assert.Contains("builder.Services.AddBackupSystem()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAuthorizationServices_AndNotAnonymous_MappingFailsAtStart_NamingTheFix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            MinimalHost.StartAsync(_database, b => b.Services.AddBackupSystem(), app => app.MapBackupEndpoints()));

        Assert.Contains("builder.Services.AddAuthorization()", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowAnonymous", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused401And403_AreProblemDetails_OnlyOnTheApisRoutes()
    {
        await using var host = await MinimalHost.StartAsync(_database, b =>
        {
            b.Services.AddBackupSystem().AddBackupEndpoints();
            b.Services.AddAuthentication(HeaderRoleAuthentication.Name).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HeaderRoleAuthentication>(HeaderRoleAuthentication.Name, null);
            b.Services.AddAuthorizationBuilder().AddPolicy("admin", p => p.RequireRole("admin"));
        }, app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/private", () => "private").RequireAuthorization("admin");
            app.MapBackupEndpoints(o => o.AuthorizationPolicy = "admin");
        });

        var anonymous = await host.Client.GetAsync("/api/v1/backup/status");
        var reader = new HttpRequestMessage(HttpMethod.Get, "/api/v1/backup/status");
        reader.Headers.Add(HeaderRoleAuthentication.Header, "reader");
        var forbidden = await host.Client.SendAsync(reader);
        var hostsOwn = await host.Client.GetAsync("/private");

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(forbidden, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, hostsOwn.StatusCode);
        Assert.Empty(await hostsOwn.Content.ReadAsByteArrayAsync());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
    }
}
