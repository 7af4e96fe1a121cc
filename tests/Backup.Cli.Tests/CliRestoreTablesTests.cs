using System.Globalization;
using System.Text.Json;

namespace Backup.Cli.Tests;

/// <summary>
/// restore-tables through the CLI on a change-capture chain: a bad DELETE and a bad UPDATE after a
/// recorded moment, both tables restored as of that moment beside the live ones, compared, and
/// copied back with --apply --yes; the refusals exit with the codes the other commands use.
/// </summary>
public sealed class CliRestoreTablesTests(CliWorld world) : IClassFixture<CliWorld>
{
    // The rows that were there before the damage, as text: equal only when every value is back.
    private static string Hash(string table, int upTo) => $"SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM {table} t WHERE id <= {upTo}";

    [Fact]
    public async Task RestoreTables_AsOfBeforeABadDeleteAndUpdate_PrintsExactCounts_AndApplyYesPutsTheRowsBackKeepingNewOnes()
    {
        var (common, moment) = await DamagedChainAsync("undo");
        var ordersBefore = await TestServer.ScalarAsync<string>(world.Source, Hash("sales.orders", 20000));
        var customersBefore = await TestServer.ScalarAsync<string>(world.Source, Hash("sales.customers", 2000));
        await TestServer.ExecuteAsync(world.Source, "DELETE FROM sales.orders WHERE id % 10 = 0 AND id <= 20000; UPDATE sales.customers SET name = 'oops' WHERE id <= 300;");
        await TestServer.ExecuteAsync(world.Source, "INSERT INTO sales.orders (customer_id, total) SELECT 1, g FROM generate_series(1, 7) g");
        await RunAsync(world.NewFolder(), ["backup", "incremental", .. common]);
        var folder = world.NewFolder();
        var sqlFile = Path.Combine(folder, "undo.sql");

        var first = JsonDocument.Parse(await RunAsync(folder, ["restore-tables", "sales.orders", "sales.customers", "--at", moment, "--schema", "undo_cli", "--sql-out", sqlFile, "--json", .. common])).RootElement;
        var text = await RunAsync(world.NewFolder(), ["restore-tables", "sales.customers", "--at", moment, "--schema", "undo_cli_text", .. common]);
        var applied = JsonDocument.Parse(await RunAsync(world.NewFolder(), ["restore-tables", "sales.orders", "sales.customers", "--at", moment, "--schema", "undo_cli_apply", "--apply", "--yes", "--json", .. common])).RootElement;

        var restore = first.GetProperty("restore");
        Assert.True(restore.GetProperty("exactToTransaction").GetBoolean());
        Assert.Equal("undo_cli", restore.GetProperty("targetSchema").GetString());
        var tables = first.GetProperty("comparison").GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("source").GetString()!);
        Assert.Equal(2000, tables["sales.orders"].GetProperty("onlyInRestored").GetInt64());
        Assert.Equal(7, tables["sales.orders"].GetProperty("onlyInLive").GetInt64());
        Assert.Equal(0, tables["sales.orders"].GetProperty("changed").GetInt64());
        Assert.Equal(300, tables["sales.customers"].GetProperty("changed").GetInt64());
        Assert.Equal(0, tables["sales.customers"].GetProperty("onlyInRestored").GetInt64());
        Assert.Equal(first.GetProperty("comparison").GetProperty("sql").GetString() + "\n", await File.ReadAllTextAsync(sqlFile));
        Assert.Contains("INSERT INTO", await File.ReadAllTextAsync(sqlFile), StringComparison.Ordinal);
        Assert.Contains("exact to the transaction", text, StringComparison.Ordinal);
        Assert.Contains("sales.customers -> undo_cli_text.customers (2,000 rows)", text, StringComparison.Ordinal);
        Assert.Contains("UPDATE ONLY \"sales\".\"customers\"", text, StringComparison.Ordinal);
        Assert.Equal(2000, applied.GetProperty("written").GetProperty("sales.orders").GetInt64());
        Assert.Equal(300, applied.GetProperty("written").GetProperty("sales.customers").GetInt64());
        Assert.Equal(ordersBefore, await TestServer.ScalarAsync<string>(world.Source, Hash("sales.orders", 20000)));
        Assert.Equal(customersBefore, await TestServer.ScalarAsync<string>(world.Source, Hash("sales.customers", 2000)));
        Assert.Equal(20007, await TestServer.ScalarAsync<long>(world.Source, "SELECT count(*) FROM sales.orders"));
    }

    [Fact]
    public async Task RestoreTables_Refusals_ApplyWithoutTerminalOrYes_UnknownTable_MomentOutsideEveryWindow_ExistingSchema()
    {
        var (common, moment) = await DamagedChainAsync("refuse");
        await RunAsync(world.NewFolder(), ["backup", "incremental", .. common]);
        await TestServer.ExecuteAsync(world.Source, "CREATE SCHEMA IF NOT EXISTS taken");

        var noTerminal = await BackupCoreProcess.RunWithInputAsync(world.NewFolder(), world.OperatorEnvironment(), "yes\n",
            ["restore-tables", "sales.orders", "--at", moment, "--schema", "undo_never", "--apply", .. common]);
        var unknown = await Run(["restore-tables", "sales.nope", "--at", moment, .. common]);
        var outside = await Run(["restore-tables", "sales.orders", "--at", "2001-01-01T00:00:00Z", .. common]);
        var taken = await Run(["restore-tables", "sales.orders", "--at", moment, "--schema", "taken", .. common]);

        Assert.Equal(ExitCodes.Usage, noTerminal.ExitCode);
        Assert.Contains("pass --yes", noTerminal.StandardError, StringComparison.Ordinal);
        Assert.False(await TestServer.ScalarAsync<bool>(world.Source, "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'undo_never')"));
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.Contains("sales.nope", unknown.StandardError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, outside.ExitCode);
        Assert.Contains("outside every recoverable window", outside.StandardError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, taken.ExitCode);
        Assert.Contains("The schema 'taken' exists", taken.StandardError, StringComparison.Ordinal);
        Assert.Contains("(--schema)", taken.StandardError, StringComparison.Ordinal);
    }

    // A change-capture chain with a full backup and a recorded moment after it; the store is the test's own.
    private async Task<(string[] Common, string Moment)> DamagedChainAsync(string prefix)
    {
        var folder = world.NewFolder();
        var config = Path.Combine(folder, "appsettings.json");
        await File.WriteAllTextAsync(config, """{ "Backup": { "Postgres": { "ChangeCapture": true } } }""");
        string[] common = ["--config", config, "--key-file", world.KeyFile, .. world.StoreArguments(prefix)];
        await RunAsync(folder, ["backup", "full", .. common]);
        await TestServer.ExecuteAsync(world.Source, "UPDATE sales.customers SET since = since + 1 WHERE id <= 10");
        var moment = await TestServer.ScalarAsync<DateTime>(world.Source, "SELECT now()");
        await Task.Delay(1100);
        return (common, new DateTimeOffset(moment, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture));
    }

    private Task<(int ExitCode, string StandardOutput, string StandardError)> Run(string[] arguments) =>
        BackupCoreProcess.RunAsync(world.NewFolder(), world.OperatorEnvironment(), arguments);

    private Task<string> RunAsync(string folder, string[] arguments) => BackupCoreProcess.RunOkAsync(folder, world.OperatorEnvironment(), arguments);
}
