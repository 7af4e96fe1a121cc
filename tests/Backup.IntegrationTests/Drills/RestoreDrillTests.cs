using Backup.Core.Abstractions;
using Backup.Core.Drills;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Backup.IntegrationTests.Drills;

/// <summary>Restore drills against the real server: what they record, what health makes of it, and that no scratch database outlives one.</summary>
public sealed class RestoreDrillTests : DrillTestsBase
{
    [Fact]
    public async Task Drill_FullAndIncremental_SucceedsRecordsRecoveryTimeAndDropsScratch()
    {
        using var provider = Build(drills => drills.Checks.Add(new DrillCheck { Name = "balances", Sql = "SELECT sum(abalance) = 500 FROM accounts" }));
        var service = provider.Service();
        var (full, incremental) = await FullThenIncrementalAsync(service);

        var drill = await service.RunRestoreDrillAsync();

        Assert.True(drill.Success, drill.Error);
        Assert.Null(drill.Error);
        Assert.Equal([full.Id, incremental.Id], drill.BackupIds);
        Assert.True(drill.TotalSeconds > 0);
        Assert.True(drill.Bytes > 0);
        Assert.True(drill.StoredBytes > 0);
        Assert.True(drill.MegabytesPerSecond > 0);
        Assert.True(drill.Phases.RestoreSeconds > 0);
        Assert.True(drill.Phases.ReplaySeconds > 0);
        Assert.True(drill.Phases.VerifySeconds > 0);
        Assert.True(drill.Phases.ChecksSeconds > 0);
        Assert.True(drill.Phases.RestoreSeconds + drill.Phases.ReplaySeconds + drill.Phases.VerifySeconds + drill.Phases.ChecksSeconds <= drill.TotalSeconds);
        Assert.Equal([new DrillCheckResult("balances", true, "returned true")], drill.Checks);
        Assert.StartsWith("backup_drill_", drill.ScratchDatabase, StringComparison.Ordinal);
        Assert.False(await TestServer.DatabaseExistsAsync(drill.ScratchDatabase));
        Assert.Equal(0, await ScratchDatabasesAsync());
        var listed = Assert.Single(await service.ListDrillsAsync());
        Assert.Equal(drill, listed with { BackupIds = drill.BackupIds, Checks = drill.Checks });
        var json = await File.ReadAllTextAsync(Path.Combine(Store.Path, "drills", drill.Id + ".json"));
        Assert.DoesNotContain(TestServer.Password, json, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, json, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(provider)).Status);
    }

    [Fact]
    public async Task Drill_AtAMomentBeforeTheIncrementalsChanges_ChecksSeeThatMoment()
    {
        using var provider = Build(drills => drills.Checks.Add(new DrillCheck { Name = "as before", Sql = "SELECT sum(abalance) = 0 FROM accounts" }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var moment = await TestServer.ScalarAsync<DateTime>(Database, "SELECT clock_timestamp()");
        await Task.Delay(20);
        await TestServer.ExecuteAsync(Database, "UPDATE accounts SET abalance = 1");
        await service.CreateIncrementalBackupAsync();

        var drill = await service.RunRestoreDrillAsync(new DrillOptions { At = new DateTimeOffset(moment, TimeSpan.Zero) });

        Assert.True(drill.Success, drill.Error);
        Assert.Equal(2, drill.BackupIds.Count);
        Assert.Equal(0, await ScratchDatabasesAsync());
    }

    [Fact]
    public async Task Drill_UserCheckReturnsFalse_RecordsFailureNamingTheCheckAndHealthTurnsUnhealthy()
    {
        using var provider = Build(drills =>
        {
            drills.Checks.Add(new DrillCheck { Name = "has accounts", Sql = "SELECT count(*) = 500 FROM accounts" });
            drills.Checks.Add(new DrillCheck { Name = "no accounts", Sql = "SELECT count(*) = 0 FROM accounts" });
            drills.Checks.Add(new DrillCheck { Name = "never run", Sql = "SELECT true" });
        });
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(provider)).Status);

        var drill = await service.RunRestoreDrillAsync();

        Assert.False(drill.Success);
        Assert.Contains("'no accounts'", drill.Error, StringComparison.Ordinal);
        Assert.Contains("returned false", drill.Error, StringComparison.Ordinal);
        Assert.Equal(["has accounts", "no accounts"], drill.Checks.Select(c => c.Name));
        Assert.False(await TestServer.DatabaseExistsAsync(drill.ScratchDatabase));
        Assert.Equal(0, await ScratchDatabasesAsync());
        Assert.False(Assert.Single(await service.ListDrillsAsync()).Success);
        var health = await CheckHealthAsync(provider);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains($"the last restore drill ({drill.Id}) failed", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_CheckWithAnSqlError_RecordsFailureWithTheServersMessage()
    {
        using var provider = Build(drills => drills.Checks.Add(new DrillCheck { Name = "typo", Sql = "SELECT count(*) = 1 FROM acounts" }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();

        var drill = await service.RunRestoreDrillAsync();

        Assert.False(drill.Success);
        Assert.Contains("'typo'", drill.Error, StringComparison.Ordinal);
        Assert.Contains("acounts", drill.Error, StringComparison.Ordinal);
        Assert.Equal(0, await ScratchDatabasesAsync());
    }

    [Fact]
    public async Task Drill_DamagedBackupObject_RecordsFailureDropsScratchAndHealthTurnsUnhealthy()
    {
        using var provider = Build();
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        var path = Path.Combine(Store.Path, full.Content!.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes);

        var drill = await service.RunRestoreDrillAsync();

        Assert.False(drill.Success);
        Assert.False(string.IsNullOrEmpty(drill.Error));
        Assert.Equal([full.Id], drill.BackupIds);
        Assert.False(await TestServer.DatabaseExistsAsync(drill.ScratchDatabase));
        Assert.Equal(0, await ScratchDatabasesAsync());
        Assert.Equal(HealthStatus.Unhealthy, (await CheckHealthAsync(provider)).Status);
    }

    [Fact]
    public async Task Drill_NoBackupAtAll_RecordsFailure()
    {
        using var provider = Build();

        var drill = await provider.Service().RunRestoreDrillAsync();

        Assert.False(drill.Success);
        Assert.Empty(drill.BackupIds);
        Assert.Equal(0, await ScratchDatabasesAsync());
    }

    [Fact]
    public async Task Drill_CancelledWhileACheckRuns_DropsScratchAndRecordsNothing()
    {
        using var provider = Build(drills => drills.Checks.Add(new DrillCheck { Name = "slow", Sql = "SELECT pg_sleep(60) IS NOT NULL" }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        using var cancel = new CancellationTokenSource();
        var running = service.RunRestoreDrillAsync(cancellationToken: cancel.Token);
        await WaitForCheckAsync("pg_sleep(60)");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(0, await ScratchDatabasesAsync());
        Assert.Empty(await service.ListDrillsAsync());
    }

    [Fact]
    public async Task DrillsExpected_NoneYet_UnhealthyUntilOneSucceeds()
    {
        using var provider = Build(drills => drills.MaxAge = TimeSpan.FromDays(8));
        var service = provider.Service();
        await service.CreateFullBackupAsync();

        var before = await CheckHealthAsync(provider);
        var drill = await service.RunRestoreDrillAsync();
        var after = await CheckHealthAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("no restore drill succeeded within 8.00:00:00", before.Description, StringComparison.Ordinal);
        Assert.True(drill.Success, drill.Error);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    [Fact]
    public async Task DrillSchedule_ForceRun_RunsADrillAndReturnsItsId()
    {
        using var provider = Build(configureBackup: o => o.Schedules.Add(new BackupSchedule { Id = "weekly-drill", Name = "Weekly drill", Type = BackupType.Drill, CronExpression = "0 3 * * 0" }));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();

        var id = await provider.GetRequiredService<IScheduler>().ForceRunScheduleAsync("weekly-drill");

        var drill = Assert.Single(await service.ListDrillsAsync());
        Assert.Equal((id, true, "weekly-drill"), (drill.Id, drill.Success, drill.ScheduleId!));
        Assert.Equal([full.Id], drill.BackupIds);
        // A drill stores no backup: the catalog still holds the one full backup.
        Assert.Single(await service.ListBackupsAsync());
    }

    // Every drill of this class names its scratch database so; test classes run one test at a time, and no other class makes drills on this server (RestoreDrillTargetTests restores on its own).
    private static Task<long> ScratchDatabasesAsync() =>
        TestServer.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'backup\\_drill\\_%'");

    private static async Task WaitForCheckAsync(string text)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%{text}%' AND pid <> pg_backend_pid()") > 0)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No session ran '{text}' within a minute.");
    }
}
