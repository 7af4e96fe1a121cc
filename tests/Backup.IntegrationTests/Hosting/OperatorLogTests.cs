using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Operations;
using Backup.IntegrationTests.Notifications;
using Backup.IntegrationTests.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.IntegrationTests.Hosting;

/// <summary>
/// What an operator reads in the host's log (#21 item 7), on a real server: the start-up summary, a
/// host without a database stopping with one line and exit code 1 (no stack), where a backup went,
/// and a line for a refused backup, a refused restore and a cancelled backup.
/// </summary>
public sealed class OperatorLogTests(SmallDatabaseFixture source) : IClassFixture<SmallDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly LogRecorder _log = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task HostWithoutADatabase_StopsAtStart_WithOneLineNamingDatabaseUrl_AndExitCode1()
    {
        using var host = Host(configure: b => b.UseLocalStorage(_store.Path));
        try
        {
            // Run returns by itself: the host stops once it has started, nothing is left waiting.
            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0;
        }

        var line = Assert.Single(_log.Messages, m => m.StartsWith("1681 ", StringComparison.Ordinal));
        Assert.Contains("DATABASE_URL", line, StringComparison.Ordinal);
        Assert.Contains("RequireDatabase", line, StringComparison.Ordinal);
        // The message only: no exception and no stack frame anywhere in the host's log.
        Assert.DoesNotContain(_log.Messages, m => m.Contains("   at ", StringComparison.Ordinal) || m.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FileOnlyHost_WithRequireDatabaseOff_Starts_AndSaysItHasNoDatabase()
    {
        using var host = Host(configure: b => b.UseLocalStorage(_store.Path), general: o => o.RequireDatabase = false);
        await host.StartAsync();
        var stopped = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await Task.Delay(300);
        var stoppedByItself = stopped.IsCancellationRequested;
        await host.StopAsync();

        Assert.False(stoppedByItself);
        var summary = Assert.Single(_log.Messages, m => m.StartsWith("1680 ", StringComparison.Ordinal));
        Assert.Contains("database none (file backups only)", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Messages, m => m.StartsWith("1681 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartupSummary_NamesStoreDatabaseKeyIdSchedulesCaptureAndRetention_WithoutThePassword()
    {
        using var host = Host(configure: b => b
            .UsePostgres(TestServer.ConnectionString(source.Database), o => o.ToolsDirectory = TestServer.ToolsDirectory)
            .UseLocalStorage(_store.Path)
            .UseAesGcmEncryption(o => { o.Key = _key; o.KeyId = "ops-2026"; }),
            general: o =>
            {
                o.RetentionDays = 9;
                o.Schedules.Add(new BackupSchedule { Id = "nightly", Name = "Nightly", CronExpression = "0 2 * * *", Options = new BackupScheduleOptions { RetentionDays = 3 } });
            });
        await host.StartAsync();
        await host.StopAsync();

        var summary = Assert.Single(_log.Messages, m => m.StartsWith("1680 ", StringComparison.Ordinal));
        Assert.Contains($"store local directory {Path.GetFullPath(_store.Path)}", summary, StringComparison.Ordinal);
        Assert.Contains($"/{source.Database}", summary, StringComparison.Ordinal);
        Assert.Contains("encryption on, key id ops-2026", summary, StringComparison.Ordinal);
        Assert.Contains("schedules nightly (Full, '0 2 * * *')", summary, StringComparison.Ordinal);
        Assert.Contains("change capture off", summary, StringComparison.Ordinal);
        Assert.Contains("retention 9 days (nightly: 3 days)", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Messages, m => m.Contains(TestServer.Password, StringComparison.Ordinal) || m.Contains(_key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backups_AndRestores_SayWhereTheyWent_AndWhatWasRefusedOrCancelled()
    {
        using var host = Host(configure: b => b
            .UsePostgres(TestServer.ConnectionString(source.Database), o => o.ToolsDirectory = TestServer.ToolsDirectory)
            .UseLocalStorage(_store.Path)
            .UseAesGcmEncryption(o => o.Key = _key));
        var service = host.Services.GetRequiredService<BackupService>();

        var manifest = await service.CreateFullBackupAsync();
        var stored = Assert.Single(_log.Messages, m => m.StartsWith("1011 ", StringComparison.Ordinal));
        Assert.Contains($"Backup {manifest.Id} completed, stored in local directory {Path.GetFullPath(_store.Path)} as {manifest.Content!.Key}", stored, StringComparison.Ordinal);
        Assert.Matches(@"[0-9.]+ (B|KiB|MiB) read, [0-9.]+ (B|KiB|MiB) stored, in [0-9.]+ s \(([0-9.]+ (B|KiB|MiB|GiB)/s|-)\)", stored);
        // The phases of the dump, for the operator following it.
        Assert.Contains(_log.Messages, m => m.StartsWith($"1682 Backup {manifest.Id} (full): dumping", StringComparison.Ordinal));

        // Refused: another backup holds the database.
        await using (var other = await TestServer.HoldBackupLockAsync(source.Database))
        {
            await Assert.ThrowsAsync<BackupInProgressException>(() => service.CreateFullBackupAsync());
        }
        Assert.Contains(_log.Messages, m => m.StartsWith($"1684 Backup (full of {source.Database}) refused: ", StringComparison.Ordinal) && m.Contains("in progress", StringComparison.Ordinal));

        // Refused restores: into a database that exists, and of an id that does not.
        await Assert.ThrowsAnyAsync<BackupException>(() => service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = source.Database }));
        Assert.Contains(_log.Messages, m => m.StartsWith($"1686 Restore of backup {manifest.Id} refused: ", StringComparison.Ordinal) && m.Contains("already exists", StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<BackupException>(() => service.RestoreFromBackupAsync("20200101T000000000Z-00000000"));
        Assert.Contains(_log.Messages, m => m.StartsWith("1686 Restore of backup 20200101T000000000Z-00000000 refused: ", StringComparison.Ordinal));

        // Cancelled while it dumps.
        using var cancel = new CancellationTokenSource();
        var cancelOnFirstBytes = new CancelOnReport(cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.CreateFullBackupAsync(null, cancelOnFirstBytes, cancel.Token));
        Assert.Contains(_log.Messages, m => m.StartsWith("1685 Backup ", StringComparison.Ordinal) && m.Contains("cancelled after", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Messages, m => m.StartsWith("1012 ", StringComparison.Ordinal)); // a cancellation is not a failure
    }

    [Fact]
    public async Task ChainStart_SaysItCreatedThePublicationAndTheSlot()
    {
        var database = "it_oplog_" + Guid.NewGuid().ToString("N")[..8];
        await TestServer.CreateDatabaseAsync(database);
        try
        {
            await TestServer.ExecuteAsync(database, "CREATE TABLE notes (id bigint PRIMARY KEY, note text)");
            using var host = Host(configure: b => b
                .UsePostgres(TestServer.ConnectionString(database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; })
                .UseLocalStorage(_store.Path));
            var full = await host.Services.GetRequiredService<BackupService>().CreateFullBackupAsync();

            Assert.Single(_log.Messages, m => m.StartsWith("1689 Created the publication backup_core", StringComparison.Ordinal));
            var slot = Assert.Single(_log.Messages, m => m.StartsWith("1690 Created the replication slot ", StringComparison.Ordinal));
            Assert.Contains($"full backup {full.Id} at ", slot, StringComparison.Ordinal);
        }
        finally
        {
            await TestServer.DropWithSlotsAsync(database, []);
        }
    }

    private IHost Host(Action<Backup.Core.DependencyInjection.BackupSystemBuilder> configure, Action<BackupOptions>? general = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Information).AddProvider(_log));
        builder.Services.AddSingleton<BackupEnvironment>(new NoEnvironment());
        builder.Services.AddBackupSystem(configure);
        if (general is not null)
        {
            builder.Services.PostConfigure(general);
        }
        return builder.Build();
    }

    /// <summary>Cancels on the first report that carries bytes: the backup is then surely running.</summary>
    private sealed class CancelOnReport(CancellationTokenSource cancel) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value)
        {
            if (value.Bytes > 0)
            {
                cancel.Cancel();
            }
        }
    }

    /// <summary>Tests must not pick up BACKUP_* variables from the machine they run on.</summary>
    private sealed class NoEnvironment : BackupEnvironment
    {
        public override string? GetVariable(string name) => null;
    }
}
