using Backup.Core;
using Backup.Core.Configuration;
using Backup.Core.Notifications;
using Backup.Notifications.Smtp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.IntegrationTests.Notifications;

/// <summary>A backup of a database that does not exist, on a real server, mailed through MailKit to a real SMTP listener.</summary>
public sealed class SmtpNotificationTests : IDisposable
{
    private const string Password = "smtp-pa55word-never-mailed";
    private readonly string _database = "it_notify_missing_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FailedBackups_SendOneMailWithSubjectAndBody_AndNoPassword()
    {
        using var sink = new SmtpSink();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton<BackupEnvironment>(new Environment(sink.Port));
        builder.Services.AddBackupSystem(b => b
            .UseLocalStorage(_store.Path)
            .UsePostgres(TestServer.ConnectionString(_database), o => o.ToolsDirectory = TestServer.ToolsDirectory)
            .UseSmtpNotifications());
        using var host = builder.Build();
        await host.StartAsync();

        var backups = host.Services.GetRequiredService<BackupService>();
        await Assert.ThrowsAnyAsync<Exception>(() => backups.CreateFullBackupAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => backups.CreateFullBackupAsync());
        await host.Services.GetRequiredService<BackupNotifications>().FlushAsync();
        await host.StopAsync();

        var mail = Assert.Single(sink.Mails);
        Assert.Contains("Subject: [FAILING] Backup failed: full backup", mail, StringComparison.Ordinal);
        Assert.Contains("To: ops@example.test", mail, StringComparison.Ordinal);
        Assert.Contains("Incident: backup-failed:full/manual", mail, StringComparison.Ordinal);
        Assert.Contains(_database, mail, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, mail, StringComparison.Ordinal);
        // The client did log in (so the password was there to leak), and only in the AUTH exchange.
        Assert.Contains(sink.Transcript, l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task LoginWithoutTls_ServerOffersNoStartTls_NoAuthIsSentAndTheFailureIsLogged()
    {
        // The sink offers no STARTTLS, as a server would look to a client whose STARTTLS offer an attacker stripped.
        using var sink = new SmtpSink();
        var logs = new LogRecorder();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddProvider(logs));
        builder.Services.AddSingleton<BackupEnvironment>(new Environment(sink.Port, tls: null));
        builder.Services.AddBackupSystem(b => b
            .UseLocalStorage(_store.Path)
            .UsePostgres(TestServer.ConnectionString(_database), o => o.ToolsDirectory = TestServer.ToolsDirectory)
            .UseSmtpNotifications());
        using var host = builder.Build();
        await host.StartAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.GetRequiredService<BackupService>().CreateFullBackupAsync());
        await host.Services.GetRequiredService<BackupNotifications>().FlushAsync();
        await host.StopAsync();

        Assert.Empty(sink.Mails);
        Assert.DoesNotContain(sink.Transcript, l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(logs.Messages, m => m.StartsWith("1601 ", StringComparison.Ordinal) && m.Contains("TLS", StringComparison.Ordinal) && m.Contains("smtp", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(Password, StringComparison.Ordinal));
    }

    private sealed class Environment(int port, string? tls = "none") : BackupEnvironment
    {
        public override string? GetVariable(string name) => name switch
        {
            SmtpEnvironmentVariables.Host => "127.0.0.1",
            SmtpEnvironmentVariables.Port => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SmtpEnvironmentVariables.User => "backup",
            SmtpEnvironmentVariables.Password => Password,
            SmtpEnvironmentVariables.From => "backups@example.test",
            SmtpEnvironmentVariables.To => "ops@example.test",
            SmtpEnvironmentVariables.Tls => tls,
            _ => null,
        };
    }
}
