using System.Text.Json;

namespace Backup.Cli.Tests;

/// <summary>
/// Point-in-time recovery through the CLI on a change-capture chain (turned on by --config
/// appsettings.json): the recovered database equals the source as it was at --to.
/// </summary>
public sealed class CliPointInTimeTests(CliWorld world) : IClassFixture<CliWorld>
{
    [Fact]
    public async Task Pitr_ToAMomentBetweenTwoChanges_HasTheSourcesTableHashesOfThatMoment()
    {
        var store = world.StoreArguments("pitr");
        var folder = world.NewFolder();
        var config = Path.Combine(folder, "appsettings.json");
        await File.WriteAllTextAsync(config, """{ "Backup": { "Postgres": { "ChangeCapture": true } } }""");
        string[] common = ["--config", config, "--key-file", world.KeyFile, .. store];
        await RunAsync(folder, ["backup", "full", .. common]);

        await TestServer.ExecuteAsync(world.Source, "INSERT INTO sales.orders (customer_id, total) SELECT 1 + g % 2000, g FROM generate_series(1, 3000) g; UPDATE sales.customers SET name = name || ' (moved)' WHERE id % 3 = 0;");
        var atMoment = await DatabaseComparison.ContentHashesAsync(world.Source);
        var moment = await TestServer.ScalarAsync<DateTime>(world.Source, "SELECT now()");
        await Task.Delay(1100);
        await TestServer.ExecuteAsync(world.Source, "DELETE FROM sales.orders WHERE id % 5 = 0; TRUNCATE public.blobs;");
        var incremental = JsonDocument.Parse(await RunAsync(folder, ["backup", "incremental", "--json", .. common])).RootElement;

        var target = world.NewDatabaseName("pitr");
        var to = new DateTimeOffset(moment, TimeSpan.Zero).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var plan = JsonDocument.Parse(await RunAsync(world.NewFolder(), ["pitr", "--to", to, "--dry-run", "--json", .. common])).RootElement;
        var result = JsonDocument.Parse(await RunAsync(world.NewFolder(), ["pitr", "--to", to, "--target-database", target, "--json", .. common])).RootElement;

        Assert.Equal("incremental", incremental.GetProperty("type").GetString());
        Assert.True(plan.GetProperty("dryRun").GetBoolean());
        Assert.False(await TestServer.DatabaseExistsAsync(plan.GetProperty("targetDatabase").GetString()!));
        Assert.Equal(target, result.GetProperty("targetDatabase").GetString());
        Assert.True(result.GetProperty("transactions").GetInt64() >= 1);
        // Tables only, as the library's own recovery tests compare: sequences are captured once per
        // incremental, not per transaction, so a moment inside an incremental does not pin them.
        static IEnumerable<KeyValuePair<string, string>> Tables(IDictionary<string, string> hashes) => hashes.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal));
        Assert.Equal(Tables(atMoment), Tables(await DatabaseComparison.ContentHashesAsync(target)));
    }

    [Fact]
    public async Task PitrBeforeMigration_RecoversThePointTheHookRecorded_AndAnUnknownIdExitsNotFoundListingTheKnownOnes()
    {
        var store = world.StoreArguments("premig");
        var folder = world.NewFolder();
        var config = Path.Combine(folder, "appsettings.json");
        await File.WriteAllTextAsync(config, """{ "Backup": { "Postgres": { "ChangeCapture": true } } }""");
        string[] common = ["--config", config, "--key-file", world.KeyFile, .. store];
        await RunAsync(folder, ["backup", "full", .. common]);
        var before = await TestServer.ScalarAsync<long>(world.Source, "SELECT count(*) FROM sales.orders");

        var hook = JsonDocument.Parse(await RunAsync(folder, ["backup", "before-migration", "V42__add_tags", "--json", .. common])).RootElement;
        await TestServer.ExecuteAsync(world.Source, "INSERT INTO sales.orders (customer_id, total) SELECT 1 + g % 2000, g FROM generate_series(1, 500) g");
        await RunAsync(folder, ["backup", "incremental", .. common]);
        var target = world.NewDatabaseName("premig");
        var result = JsonDocument.Parse(await RunAsync(world.NewFolder(), ["pitr", "--before-migration", "V42__add_tags", "--target-database", target, "--json", .. common])).RootElement;
        var (code, _, error) = await BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["pitr", "--before-migration", "V43__nope", .. common]);

        Assert.Equal("incremental", hook.GetProperty("kind").GetString());
        Assert.Equal(hook.GetProperty("recoverTo").GetDateTimeOffset(), result.GetProperty("target").GetDateTimeOffset());
        Assert.Equal(before, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM sales.orders"));
        Assert.Equal(before + 500, await TestServer.ScalarAsync<long>(world.Source, "SELECT count(*) FROM sales.orders"));
        Assert.Equal(ExitCodes.NotFound, code);
        Assert.Contains("known: V42__add_tags", error, StringComparison.Ordinal);
        Assert.Contains("backup-core backup before-migration ID", error, StringComparison.Ordinal);
    }

    private Task<string> RunAsync(string folder, string[] arguments) => BackupCoreProcess.RunOkAsync(folder, world.OperatorEnvironment(), arguments);
}
