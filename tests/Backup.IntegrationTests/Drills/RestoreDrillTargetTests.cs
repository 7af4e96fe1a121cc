using Backup.Core.Drills;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Backup.IntegrationTests.Drills;

/// <summary>Restore drills on another server (Backup:Drills:TargetConnectionString): a second real PostgreSQL of this class's own.</summary>
public sealed class RestoreDrillTargetTests(SecondServer target) : DrillTestsBase, IClassFixture<SecondServer>
{
    [Fact]
    public async Task Drill_TargetConnectionString_RestoresChecksAndDropsOnTheOtherServerOnly()
    {
        using var provider = Build(target.ConnectionString("postgres"), drills =>
        {
            // The scratch database's own server answers: this check passes only on the target.
            drills.Checks.Add(new DrillCheck { Name = "on the target", Sql = $"SELECT current_setting('port') = '{target.Port}'" });
            drills.Checks.Add(new DrillCheck { Name = "balances", Sql = "SELECT sum(abalance) = 500 FROM accounts" });
        });
        var service = provider.Service();
        var (full, incremental) = await FullThenIncrementalAsync(service);

        var drill = await service.RunRestoreDrillAsync();

        Assert.True(drill.Success, drill.Error);
        Assert.Equal([full.Id, incremental.Id], drill.BackupIds);
        Assert.Equal([true, true], drill.Checks.Select(c => c.Passed));
        Assert.Equal($"127.0.0.1:{target.Port}", drill.TargetServer);
        Assert.True(drill.Phases.ReplaySeconds > 0);
        Assert.Equal(0, await target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'backup\\_drill\\_%'"));
        Assert.False(await TestServer.DatabaseExistsAsync(drill.ScratchDatabase));
        // The backed-up server is untouched: its database is as it was, and only it exists there.
        Assert.Equal(500, await TestServer.ScalarAsync<long>(Database, "SELECT sum(abalance) FROM accounts"));
        var json = await File.ReadAllTextAsync(Path.Combine(Store.Path, "drills", drill.Id + ".json"));
        Assert.DoesNotContain(TestServer.Password, json, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(provider)).Status);
    }

    [Fact]
    public async Task Drill_TargetUnreachable_RecordsFailureNamingTheServerAndHealthTurnsUnhealthy()
    {
        var unreachable = $"postgresql://postgres:{Uri.EscapeDataString(TestServer.Password)}@127.0.0.1:1/postgres?sslmode=disable";
        using var provider = Build(unreachable);
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();

        var drill = await service.RunRestoreDrillAsync();

        Assert.False(drill.Success);
        Assert.Contains("Cannot reach PostgreSQL at 127.0.0.1:1", drill.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(TestServer.Password, drill.Error, StringComparison.Ordinal);
        Assert.Equal([full.Id], drill.BackupIds);
        Assert.Equal("127.0.0.1:1", drill.TargetServer);
        Assert.False(await TestServer.DatabaseExistsAsync(drill.ScratchDatabase));
        var health = await CheckHealthAsync(provider);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains($"the last restore drill ({drill.Id}) failed", health.Description, StringComparison.Ordinal);
    }

    private ServiceProvider Build(string targetConnection, Action<RestoreDrillsOptions>? drills = null) =>
        Build(o =>
        {
            o.TargetConnectionString = targetConnection;
            drills?.Invoke(o);
        });
}
