using System.Text.Json;

namespace Backup.Cli.Tests;

/// <summary>
/// The disaster-recovery path as an operator walks it: a backup taken in one folder, then from another
/// empty folder, in new processes that know only the store URI and a key file, list, verify and restore.
/// </summary>
public sealed class CliEndToEndTests(CliWorld world) : IClassFixture<CliWorld>
{
    [Fact]
    public async Task FullBackup_RestoredFromAnotherFolderWithOnlyTheStoreAndTheKey_HasTheSourcesTableHashes()
    {
        var store = world.StoreArguments("full");
        var backup = await RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["backup", "full", "--comment", "from the CLI test", "--json", "--key-file", world.KeyFile, .. store]);
        var id = JsonDocument.Parse(backup).RootElement.GetProperty("id").GetString()!;

        var elsewhere = world.NewFolder();
        var target = world.NewDatabaseName("restored");
        // DATABASE_URL names the database whose backups to restore and the server to restore onto (that database need not exist there).
        var server = world.OperatorEnvironment();
        var list = JsonDocument.Parse(await RunAsync(elsewhere, server, ["list", "--json", "--key-file", world.KeyFile, .. store])).RootElement;
        var verify = JsonDocument.Parse(await RunAsync(elsewhere, server, ["verify", id, "--deep", "--json", "--key-file", world.KeyFile, .. store])).RootElement;
        var restore = JsonDocument.Parse(await RunAsync(elsewhere, server, ["restore", "--latest", "--target-database", target, "--json", "--key-file", world.KeyFile, .. store])).RootElement;

        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal("completed", listed.GetProperty("status").GetString());
        Assert.True(listed.GetProperty("content").GetProperty("storedBytes").GetInt64() > 0);
        Assert.NotNull(listed.GetProperty("duration").GetString());
        Assert.True(Assert.Single(verify.EnumerateArray()).GetProperty("isValid").GetBoolean());
        Assert.Equal(target, restore.GetProperty("targetDatabase").GetString());
        Assert.Equal(await DatabaseComparison.ContentHashesAsync(world.Source), await DatabaseComparison.ContentHashesAsync(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public async Task Download_OfAFullBackup_IsAnArchivePgRestoreReads()
    {
        var store = world.StoreArguments("download");
        var folder = world.NewFolder();
        var id = JsonDocument.Parse(await RunAsync(folder, world.OperatorEnvironment(), ["backup", "full", "--json", "--key-file", world.KeyFile, .. store])).RootElement.GetProperty("id").GetString()!;

        await RunAsync(folder, world.OperatorEnvironment(), ["download", id, "-o", "app.dump", "--key-file", world.KeyFile, .. store]);

        using var list = ChildProcess.Start(Path.Combine(TestServer.ToolsDirectory, "pg_restore"), ["--list", "app.dump"], folder, new Dictionary<string, string>());
        Assert.Equal(0, await list.ExitCodeAsync(BackupCoreProcess.Limit));
        Assert.Contains("TABLE DATA sales orders", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileBackup_RestoredFromAnotherFolder_HasTheSameFiles()
    {
        var store = world.StoreArguments("files");
        var source = Path.Combine(world.NewFolder(), "uploads");
        Directory.CreateDirectory(Path.Combine(source, "2026", "11"));
        await File.WriteAllTextAsync(Path.Combine(source, "2026", "11", "invoice.txt"), "invoice 42");
        await File.WriteAllBytesAsync(Path.Combine(source, "photo.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000));
        await File.WriteAllTextAsync(Path.Combine(source, "scratch.tmp"), "left out");
        var id = JsonDocument.Parse(await RunAsync(world.NewFolder(), world.OperatorEnvironment(), ["backup", "files", source, "--exclude", "*.tmp", "--json", "--key-file", world.KeyFile, .. store]))
            .RootElement.GetProperty("id").GetString()!;

        var target = Path.Combine(world.NewFolder(), "restored");
        await RunAsync(world.NewFolder(), [], ["restore", id, "--files-to", target, "--key-file", world.KeyFile, .. store], withS3Credentials: true);

        Assert.Equal("invoice 42", await File.ReadAllTextAsync(Path.Combine(target, "uploads", "2026", "11", "invoice.txt")));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(source, "photo.bin")), await File.ReadAllBytesAsync(Path.Combine(target, "uploads", "photo.bin")));
        Assert.False(File.Exists(Path.Combine(target, "uploads", "scratch.tmp")));
    }

    [Fact]
    public async Task AzureStore_WithTheConnectionStringInTheEnvironment_BacksUpListsAndVerifies()
    {
        // Azurite's published development account; the connection string comes from the environment, never an argument.
        var endpoint = System.Environment.GetEnvironmentVariable("BACKUP_TEST_AZURE_BLOB_ENDPOINT") ?? throw new InvalidOperationException("BACKUP_TEST_AZURE_BLOB_ENDPOINT is not set: start Azurite (scripts/test.sh does).");
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint={endpoint};";
        var container = world.Bucket;
        await new Azure.Storage.Blobs.BlobContainerClient(connection, container).CreateIfNotExistsAsync();
        var environment = world.OperatorEnvironment();
        environment["AZURE_STORAGE_CONNECTION_STRING"] = connection;
        string[] store = ["--key-file", world.KeyFile, "--store", $"azure://devstoreaccount1/{container}/prod"];

        var id = JsonDocument.Parse(await RunAsync(world.NewFolder(), environment, ["backup", "full", "--json", .. store])).RootElement.GetProperty("id").GetString()!;
        var listed = JsonDocument.Parse(await RunAsync(world.NewFolder(), environment, ["list", "--json", .. store])).RootElement;
        var verify = JsonDocument.Parse(await RunAsync(world.NewFolder(), environment, ["verify", id, "--json", .. store])).RootElement;

        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.True(Assert.Single(verify.EnumerateArray()).GetProperty("isValid").GetBoolean());
    }

    private async Task<string> RunAsync(string folder, Dictionary<string, string> environment, string[] arguments, bool withS3Credentials = false)
    {
        if (withS3Credentials)
        {
            foreach (var (name, value) in world.OperatorEnvironment().Where(e => e.Key.StartsWith("AWS_", StringComparison.Ordinal)))
            {
                environment[name] = value;
            }
        }
        return await BackupCoreProcess.RunOkAsync(folder, environment, arguments);
    }
}
