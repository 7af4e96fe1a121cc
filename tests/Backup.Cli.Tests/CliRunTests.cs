using System.Text.Json;

namespace Backup.Cli.Tests;

/// <summary><c>run</c>, the long-running form for a container: it runs the schedules of BACKUP_SCHEDULES and stops cleanly on SIGTERM.</summary>
public sealed class CliRunTests(CliWorld world) : IClassFixture<CliWorld>
{
    [Fact]
    public async Task Run_WithAScheduleEveryFewSeconds_TakesBackupsAndExitsWith0OnSigterm()
    {
        var store = "file://" + Path.Combine(world.NewFolder(), "store");
        var environment = world.OperatorEnvironment();
        environment["BACKUP_SCHEDULES"] = """[{"id":"often","name":"Often","type":"Full","cronExpression":"*/3 * * * * *"}]""";
        using var run = BackupCoreProcess.Start(world.NewFolder(), environment, ["run", "--key-file", world.KeyFile, "--store", store]);

        await run.WaitForAsync(async () =>
        {
            var (_, listing, _) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["list", "--json", "--status", "completed", "--key-file", world.KeyFile, "--store", store]);
            return listing.Length > 0 && JsonDocument.Parse(listing).RootElement.GetArrayLength() > 0;
        }, BackupCoreProcess.Limit);
        run.Signal("TERM");
        var code = await run.ExitCodeAsync(BackupCoreProcess.Limit);

        Assert.True(code == 0, $"exit code {code}; {run.Output}");
        Assert.Contains("backup-core is running", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutADatabase_ExitsWith1AtOnce_SayingWhy_InsteadOfStayingUp()
    {
        var store = "file://" + Path.Combine(world.NewFolder(), "store");
        var environment = world.OperatorEnvironment();
        environment.Remove("DATABASE_URL");
        using var run = BackupCoreProcess.Start(world.NewFolder(), environment, ["run", "--key-file", world.KeyFile, "--store", store]);

        var code = await run.ExitCodeAsync(BackupCoreProcess.Limit);

        Assert.True(code == 1, $"exit code {code}; {run.Output}");
        Assert.Contains("No database is configured: set DATABASE_URL", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("backup-core is running", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
    }
}
