namespace Backup.Cli.Tests;

/// <summary>
/// <c>capture</c> refuses to start, with the fix, when there is nothing it could record. (It running,
/// killed with SIGKILL and started again, is Backup.IntegrationTests' CaptureKillTests.)
/// </summary>
public sealed class CliCaptureTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ChangeCaptureOff_ExitsWith2AndSaysHowToTurnItOn()
    {
        var (code, error) = await CaptureAsync(changeCapture: false);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Change capture is off", error, StringComparison.Ordinal);
        Assert.Contains("Backup:Postgres:ChangeCapture", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFullBackupToStartFrom_ExitsWith1AndSaysToTakeOne()
    {
        var (code, error) = await CaptureAsync(changeCapture: true);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("error: Nothing to capture: There is no full backup", error, StringComparison.Ordinal);
        Assert.Contains("backup-core backup full", error, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Error)> CaptureAsync(bool changeCapture)
    {
        var config = Path.Combine(_folder.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, "{\"Backup\":{\"Postgres\":{\"ChangeCapture\":" + (changeCapture ? "true" : "false") + "}}}");
        var store = "file://" + Path.Combine(_folder.Path, "store");
        var (code, _, error) = await BackupCoreProcess.RunAsync(_folder.Path, new Dictionary<string, string> { ["DATABASE_URL"] = TestServer.Url("postgres") }, "capture", "--config", config, "--store", store);
        return (code, error);
    }
}
