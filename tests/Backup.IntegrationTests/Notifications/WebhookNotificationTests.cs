using System.Text;
using System.Text.Json;
using Backup.Core;
using Backup.Core.Configuration;
using Backup.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.IntegrationTests.Notifications;

/// <summary>
/// Backups against a real server, notifications to a real local HTTP listener: a database that does
/// not exist yet makes every backup fail; it is created, and the next backup succeeds.
/// </summary>
public sealed class WebhookNotificationTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "integration-secret-0123456789";
    private readonly string _database = "it_notify_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, []);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task RepeatedFailures_SendOneSignedMessage_ThenASuccessSendsOneResolution()
    {
        using var sink = new WebhookSink();
        using var host = Host(sink.Url);
        var backups = host.Services.GetRequiredService<BackupService>();
        var notifications = host.Services.GetRequiredService<BackupNotifications>();

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => backups.CreateFullBackupAsync());
        }
        await notifications.FlushAsync();

        var failed = Assert.Single(sink.Requests);
        Assert.Equal("backup-failed", failed.Event);
        Assert.True(WebhookSignature.Verify(Secret, failed.Signature!, Encoding.UTF8.GetBytes(failed.Body)));
        Assert.DoesNotContain(Secret, failed.Body, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(failed.Body))
        {
            Assert.Equal("backup-failed:full/manual", json.RootElement.GetProperty("incident").GetString());
            Assert.Contains(_database, json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        await TestServer.CreateDatabaseAsync(_database);
        await backups.CreateFullBackupAsync();
        await backups.CreateFullBackupAsync();
        await notifications.FlushAsync();

        Assert.Equal(["backup-failed", "backup-failed.resolved"], sink.Requests.Select(r => r.Event));
        var resolved = sink.Requests.Last();
        Assert.True(WebhookSignature.Verify(Secret, resolved.Signature!, Encoding.UTF8.GetBytes(resolved.Body)));
        using var resolvedJson = JsonDocument.Parse(resolved.Body);
        Assert.Equal(2, resolvedJson.RootElement.GetProperty("suppressedRepeats").GetInt32());
    }

    [Fact]
    public async Task ListenerAnswering500_IsRetried_ThenTheMessageIsDelivered()
    {
        using var sink = new WebhookSink(500, 500);
        using var host = Host(sink.Url);

        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.GetRequiredService<BackupService>().CreateFullBackupAsync());
        await host.Services.GetRequiredService<BackupNotifications>().FlushAsync();

        Assert.Equal([500, 500, 200], sink.Requests.Select(r => r.Status));
        Assert.Single(sink.Requests.Select(r => r.Delivery).Distinct());
        Assert.All(sink.Requests, r => Assert.True(WebhookSignature.Verify(Secret, r.Signature!, Encoding.UTF8.GetBytes(r.Body))));
    }

    private IHost Host(string url)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton<BackupEnvironment>(new Environment(url));
        builder.Services.AddBackupSystem(b => b
            .UseLocalStorage(_store.Path)
            .UsePostgres(TestServer.ConnectionString(_database), o => o.ToolsDirectory = TestServer.ToolsDirectory)
            .UseWebhookNotifications(o => o.RetryDelay = TimeSpan.FromMilliseconds(50)));
        return builder.Build();
    }

    /// <summary>The webhook comes from the BACKUP_WEBHOOK_* variables, as an operator would set it; nothing else from the machine.</summary>
    private sealed class Environment(string url) : BackupEnvironment
    {
        public override string? GetVariable(string name) => name switch
        {
            BackupEnvironmentVariables.WebhookUrl => url,
            BackupEnvironmentVariables.WebhookSecret => Secret,
            BackupEnvironmentVariables.WebhookPayloadFormat => "json",
            _ => null,
        };
    }
}
