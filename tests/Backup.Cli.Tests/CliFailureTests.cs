using System.Text.Json;

namespace Backup.Cli.Tests;

/// <summary>What goes wrong on a real day, each answered with its exit code and a message that names the problem and the fix.</summary>
public sealed class CliFailureTests(CliWorld world) : IClassFixture<CliWorld>
{
    private readonly string[] _store = world.StoreArguments("failures");

    [Fact]
    public async Task WrongKey_ExitsWith2AndNamesTheKeyTheBackupNeeds()
    {
        var id = await BackupAsync();
        var wrongKey = Path.Combine(world.NewFolder(), "wrong.key");
        await File.WriteAllTextAsync(wrongKey, Services.NewKey());

        var (code, output, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["verify", id, "--key-file", wrongKey, .. _store]);

        Assert.True(code == ExitCodes.Usage, $"exit code {code}: {error}");
        Assert.Contains("key", error, StringComparison.Ordinal);
        Assert.DoesNotContain(await File.ReadAllTextAsync(wrongKey), output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingKey_ExitsWith2AndSaysHowToGiveIt()
    {
        var id = await BackupAsync();

        var (code, _, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["restore", id, "--dry-run", .. _store]);

        Assert.True(code == ExitCodes.Usage, $"exit code {code}: {error}");
        Assert.Contains("not configured", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreTargetThatExists_WithoutDropExisting_IsRefusedNamingTheFlag()
    {
        var id = await BackupAsync();
        var target = world.NewDatabaseName("existing");
        await TestServer.CreateDatabaseAsync(target);

        var (code, _, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["restore", id, "--target-database", target, "--key-file", world.KeyFile, .. _store]);

        Assert.True(code == ExitCodes.Failed, $"exit code {code}: {error}");
        Assert.Contains($"'{target}' already exists", error, StringComparison.Ordinal);
        Assert.Contains("--drop-existing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableDatabase_ExitsWith1AndNamesTheServer()
    {
        var environment = world.OperatorEnvironment();
        environment["DATABASE_URL"] = "postgresql://postgres:x@127.0.0.1:1/nothing";

        var (code, _, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), environment, ["backup", "full", "--key-file", world.KeyFile, .. _store]);

        Assert.True(code == ExitCodes.Failed, $"exit code {code}: {error}");
        Assert.Contains("Cannot reach PostgreSQL at 127.0.0.1:1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableStore_ExitsWith1AndSaysToCheckTheStore()
    {
        var (code, _, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(),
            ["list", "--key-file", world.KeyFile, "--store", $"s3://{world.Bucket}/x", "--s3-endpoint", "http://127.0.0.1:1"]);

        Assert.True(code == ExitCodes.Failed, $"exit code {code}: {error}");
        Assert.Contains("check --store", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadCronInBackupSchedules_ExitsWith2AndNamesTheSchedule()
    {
        var environment = world.OperatorEnvironment();
        environment["BACKUP_SCHEDULES"] = """[{"id":"nightly","name":"Nightly","type":"Full","cronExpression":"every night"}]""";

        var (code, _, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), environment, ["schedules", "list", "--key-file", world.KeyFile, .. _store]);

        Assert.True(code == ExitCodes.Usage, $"exit code {code}: {error}");
        Assert.Contains("cronExpression 'every night' is not a valid cron expression", error, StringComparison.Ordinal);
        Assert.Contains("BACKUP_SCHEDULES", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigint_WhileTheBackupRuns_ExitsWith130AndNothingIsListedAsComplete()
    {
        var store = world.StoreArguments("sigint");
        // A lock pg_dump must wait for holds the backup at a known point.
        await using var blocker = new Npgsql.NpgsqlConnection(TestServer.ConnectionString(world.Source));
        await blocker.OpenAsync();
        await using (var lockTable = new Npgsql.NpgsqlCommand("BEGIN; LOCK TABLE sales.orders IN ACCESS EXCLUSIVE MODE", blocker))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        using var backup = BackupCoreProcess.Start(world.NewFolder(), world.OperatorEnvironment(), ["backup", "full", "--key-file", world.KeyFile, .. store]);
        await backup.WaitForAsync(async () => await TestServer.ScalarAsync<long>("postgres",
            $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{world.Source}' AND wait_event_type = 'Lock'") > 0, BackupCoreProcess.Limit);

        backup.Signal("INT");
        var code = await backup.ExitCodeAsync(BackupCoreProcess.Limit);
        await using (var release = new Npgsql.NpgsqlCommand("ROLLBACK", blocker))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.True(code == ExitCodes.Cancelled, $"exit code {code}; {backup.Output}");
        Assert.Contains("Cancelled", backup.StandardError, StringComparison.Ordinal);
        var (_, listing, _) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["list", "--json", "--key-file", world.KeyFile, .. store]);
        var listed = JsonDocument.Parse(listing).RootElement.EnumerateArray().ToList();
        Assert.DoesNotContain(listed, b => b.GetProperty("status").GetString() == "completed");
        Assert.Contains(listed, b => b.GetProperty("status").GetString() == "failed");
    }

    [Fact]
    public async Task Sigterm_WhileTheRestoreRuns_ExitsWith130AndDropsTheHalfRestoredDatabase()
    {
        // A database big enough that its restore lasts a few seconds, so the signal lands inside it.
        var big = world.NewDatabaseName("big");
        await TestServer.CreateDatabaseAsync(big);
        await TestServer.ExecuteAsync(big, "CREATE TABLE rows AS SELECT g AS id, md5(g::text) AS a, md5((g * 7)::text) AS b FROM generate_series(1, 1500000) g; ALTER TABLE rows ADD PRIMARY KEY (id);");
        var store = world.StoreArguments("sigterm-restore");
        await BackupCoreProcess.RunOkAsync(world.NewFolder(), world.OperatorEnvironment(big), ["backup", "full", "--key-file", world.KeyFile, .. store]);
        var target = world.NewDatabaseName("half");

        using var restore = BackupCoreProcess.Start(world.NewFolder(), world.OperatorEnvironment(big), ["restore", "--latest", "--target-database", target, "--key-file", world.KeyFile, .. store]);
        await restore.WaitForAsync(() => TestServer.DatabaseExistsAsync(target), BackupCoreProcess.Limit);
        restore.Signal("TERM");
        var code = await restore.ExitCodeAsync(BackupCoreProcess.Limit);

        Assert.True(code == ExitCodes.Cancelled, $"exit code {code}; {restore.Output}");
        Assert.False(await TestServer.DatabaseExistsAsync(target));
    }

    [Fact]
    public async Task TamperedBackup_VerifyExitsWith3AndVerifyAllReportsItAmongTheOthers()
    {
        var store = Path.Combine(world.NewFolder(), "store");
        string[] local = ["--key-file", world.KeyFile, "--store", "file://" + store];
        var good = JsonDocument.Parse(await BackupCoreProcess.RunOkAsync(world.NewFolder(), world.OperatorEnvironment(), ["backup", "full", "--json", .. local])).RootElement.GetProperty("id").GetString()!;
        var bad = JsonDocument.Parse(await BackupCoreProcess.RunOkAsync(world.NewFolder(), world.OperatorEnvironment(), ["backup", "full", "--json", .. local])).RootElement.GetProperty("id").GetString()!;
        var data = Directory.GetFiles(Path.Combine(store, "database"), bad + ".dump*").Single();
        await using (var file = File.Open(data, FileMode.Open))
        {
            file.Position = file.Length / 2;
            var b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0x40));
        }

        var (one, _, oneError) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["verify", bad, .. local]);
        var (all, allOutput, allError) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["verify", "--all", "--json", .. local]);

        Assert.True(one == ExitCodes.Integrity, $"exit code {one}: {oneError}");
        Assert.True(all == ExitCodes.Integrity, $"exit code {all}: {allError}");
        var results = JsonDocument.Parse(allOutput).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("backupId").GetString()!, r => r.GetProperty("isValid").GetBoolean());
        Assert.True(results[good]);
        Assert.False(results[bad]);
    }

    [Fact]
    public async Task BackupWhileAnotherRuns_ExitsWith5()
    {
        await using var running = await TestServer.HoldBackupLockAsync(world.Source);

        var (code, _, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["backup", "full", "--key-file", world.KeyFile, .. _store]);

        Assert.True(code == ExitCodes.Busy, $"exit code {code}: {error}");
        Assert.Contains("--wait-if-busy", error, StringComparison.Ordinal);
    }

    private async Task<string> BackupAsync() =>
        JsonDocument.Parse(await BackupCoreProcess.RunOkAsync(world.NewFolder(), world.OperatorEnvironment(), ["backup", "full", "--json", "--key-file", world.KeyFile, .. _store]))
            .RootElement.GetProperty("id").GetString()!;
}
