namespace Backup.Cli.Tests;

/// <summary>Configuration and input the CLI or the library refuses before any server is needed: each an exit code and a message naming the fix.</summary>
public sealed class CliConfigurationErrorTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private string Store => "file://" + Path.Combine(_folder.Path, "store");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("ftp://host/x", "the scheme 'ftp' is not one of file, s3, azure, gs")]
    [InlineData("/var/backups", "not a URI")]
    [InlineData("s3:///prefix-without-bucket", "the bucket is missing")]
    [InlineData("azure://account", "azure://account/container[/prefix]")]
    [InlineData("file://host/relative", "three slashes")]
    public async Task MalformedOrUnknownStoreUri_ExitsWith2AndListsTheAcceptedForms(string store, string message)
    {
        var (code, _, error) = await InProcessCli.RunAsync("list", "--store", store);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("gs://bucket[/prefix]", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3Endpoint_WithoutAnS3Store_ExitsWith2()
    {
        var (code, _, error) = await InProcessCli.RunAsync("list", "--store", Store, "--s3-endpoint", "http://127.0.0.1:9000");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--s3-endpoint applies only to an s3:// store", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("20261130T021500123Z-1a2b3c4d/../../etc")]
    public async Task MalformedId_ExitsWith2AndShowsWhatAnIdLooksLike(string id)
    {
        var (code, _, error) = await InProcessCli.RunAsync("show", id, "--store", Store);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("is not a backup id", error, StringComparison.Ordinal);
        Assert.Contains("backup-core list", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownId_ExitsWith4()
    {
        var (code, _, error) = await InProcessCli.RunAsync("show", "20261130T021500123Z-1a2b3c4d", "--store", Store);

        Assert.Equal(ExitCodes.NotFound, code);
        Assert.Contains("No backup with the id '20261130T021500123Z-1a2b3c4d'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_WithJson_PrintsOneJsonDocumentWithTheErrorAndTheExitCode()
    {
        var (code, output, _) = await InProcessCli.RunAsync("show", "20261130T021500123Z-1a2b3c4d", "--json", "--store", Store);

        var document = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal(ExitCodes.NotFound, code);
        Assert.Equal(ExitCodes.NotFound, document.GetProperty("exitCode").GetInt32());
        Assert.Contains("No backup with the id", document.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingKeyFile_ExitsWith2AndNamesTheFile()
    {
        var missing = Path.Combine(_folder.Path, "no-such.key");

        var (code, _, error) = await InProcessCli.RunAsync("list", "--store", Store, "--key-file", missing);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Contains("cannot read it", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyKeyFile_ExitsWith2()
    {
        var empty = Path.Combine(_folder.Path, "empty.key");
        await File.WriteAllTextAsync(empty, "\n");

        var (code, _, error) = await InProcessCli.RunAsync("list", "--store", Store, "--key-file", empty);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("is empty: it must hold the key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedKey_ExitsWith2WithoutShowingIt()
    {
        var file = Path.Combine(_folder.Path, "short.key");
        await File.WriteAllTextAsync(file, "dG9vLXNob3J0"); // base64 of 9 bytes: neither a key nor a passphrase

        var (code, output, error) = await InProcessCli.RunAsync("list", "--store", Store, "--key-file", file);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Backup:Encryption:Key", error, StringComparison.Ordinal);
        Assert.DoesNotContain("dG9vLXNob3J0", output + error, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task KeyFileReadableByOthers_IsUsedWithAWarningThatSaysChmod600()
    {
        var file = Path.Combine(_folder.Path, "open.key");
        await File.WriteAllTextAsync(file, Services.NewKey());
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (code, _, error) = await InProcessCli.RunAsync("list", "--store", Store, "--key-file", file);

        Assert.Equal(0, code);
        Assert.Contains("is readable by other users; chmod 600 it", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConfigFile_ExitsWith2()
    {
        var (code, _, error) = await InProcessCli.RunAsync("list", "--store", Store, "--config", Path.Combine(_folder.Path, "appsettings.json"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListOfAnEmptyStore_AsJson_IsAnEmptyArray()
    {
        var (code, output, _) = await InProcessCli.RunAsync("list", "--store", Store, "--json");

        Assert.Equal(0, code);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, System.Text.Json.JsonDocument.Parse(output).RootElement.ValueKind);
    }
}
