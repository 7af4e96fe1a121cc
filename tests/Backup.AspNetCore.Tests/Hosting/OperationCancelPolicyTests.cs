using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Tests.Hosting;

/// <summary>Cancelling an operation takes the permission that starts one of its kind, whoever may reach the route.</summary>
public sealed class OperationCancelPolicyTests : IAsyncLifetime
{
    private readonly string _database = "it_cancelpolicy_" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => TestServer.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task ARestore_IsCancelledByARestoreOperator_NotByABackupOnlyOne()
    {
        await using var host = await MinimalHost.StartAsync(_database, b =>
        {
            b.Services.AddBackupSystem().AddBackupEndpoints();
            b.Services.AddAuthentication(HeaderRoleAuthentication.Name).AddScheme<AuthenticationSchemeOptions, HeaderRoleAuthentication>(HeaderRoleAuthentication.Name, null);
            b.Services.AddAuthorizationBuilder()
                .AddPolicy("read", p => p.RequireRole("backup", "restore"))
                .AddPolicy("backup", p => p.RequireRole("backup"))
                .AddPolicy("restore", p => p.RequireRole("restore"))
                .AddPolicy("admin", p => p.RequireRole("admin"));
        }, app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapBackupEndpoints(o =>
            {
                o.AuthorizationPolicy = "admin";
                o.ReadPolicy = "read";
                o.BackupPolicy = "backup";
                o.RestorePolicy = "restore";
            });
        });
        var restore = host.App.Services.GetRequiredService<BackupOperations>().Start("restore", async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });

        var byBackupOperator = await CancelAsync(host, restore.Id, "backup");
        var stillRunning = restore.Status;
        var byRestoreOperator = await CancelAsync(host, restore.Id, "restore");

        Assert.Equal(HttpStatusCode.Forbidden, byBackupOperator.StatusCode);
        Assert.Equal("running", stillRunning);
        Assert.Equal(HttpStatusCode.Accepted, byRestoreOperator.StatusCode);
        Assert.True(restore.CancelRequested);
    }

    private static Task<HttpResponseMessage> CancelAsync(MinimalHost host, string id, string role)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/backup/operations/{id}/cancel");
        request.Headers.Add(HeaderRoleAuthentication.Header, role);
        return host.Client.SendAsync(request);
    }
}
