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
}
