using System.Text.Json;

namespace Backup.Cli.Tests;

/// <summary><c>delete</c> of a full backup an incremental depends on: refused with exit code 6 naming it, then <c>--cascade</c> deletes both.</summary>
public sealed class CliDeleteTests(CliWorld world) : IClassFixture<CliWorld>
{
    [Fact]
    public async Task DeleteOfAFullWithAnIncremental_ExitsHasDependentsNamingIt_CascadeDeletesBoth()
    {
        var store = world.StoreArguments("delete");
        var folder = world.NewFolder();
        var config = Path.Combine(folder, "appsettings.json");
        await File.WriteAllTextAsync(config, """{ "Backup": { "Postgres": { "ChangeCapture": true } } }""");
        string[] common = ["--config", config, "--key-file", world.KeyFile, .. store];
        var full = JsonDocument.Parse(await RunAsync(folder, ["backup", "full", "--json", .. common])).RootElement.GetProperty("id").GetString()!;
        await TestServer.ExecuteAsync(world.Source, "UPDATE sales.customers SET name = name || '.' WHERE id = 1");
        var incremental = JsonDocument.Parse(await RunAsync(folder, ["backup", "incremental", "--json", .. common])).RootElement.GetProperty("id").GetString()!;

        var (code, _, error) = await BackupCoreProcess.RunAsync(folder, world.OperatorEnvironment(), ["delete", full, .. common]);
        var listedAfterRefusal = JsonDocument.Parse(await RunAsync(folder, ["list", "--json", .. common])).RootElement.GetArrayLength();
        var deleted = await RunAsync(folder, ["delete", full, "--cascade", .. common]);
        var listed = JsonDocument.Parse(await RunAsync(folder, ["list", "--json", .. common])).RootElement;

        Assert.Equal(ExitCodes.HasDependents, code);
        Assert.Contains(incremental, error, StringComparison.Ordinal);
        Assert.Contains("1 backup(s) depend on it", error, StringComparison.Ordinal);
        Assert.Contains("pass --cascade", error, StringComparison.Ordinal);
        Assert.Equal(2, listedAfterRefusal);
        Assert.Contains($"deleted {full}", deleted, StringComparison.Ordinal);
        Assert.Equal(0, listed.GetArrayLength());
    }

    private Task<string> RunAsync(string folder, string[] arguments) => BackupCoreProcess.RunOkAsync(folder, world.OperatorEnvironment(), arguments);
}
