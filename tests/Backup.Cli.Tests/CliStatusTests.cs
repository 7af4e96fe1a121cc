namespace Backup.Cli.Tests;

/// <summary><c>status</c> on a local store with no server: the store's state and the restore drills' recovery time per GB.</summary>
public sealed class CliStatusTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private string StoreFolder => Path.Combine(_folder.Path, "store");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Status_NoDrills_SaysNone()
    {
        Directory.CreateDirectory(StoreFolder);

        var (code, output, error) = await InProcessCli.RunAsync("status", "--store", "file://" + StoreFolder);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("restore drills: none", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_RecordedDrills_ShowsSuccessesAndTheMedianAndLatestRecoveryTimePerGigabyte()
    {
        // Drill records as RunRestoreDrillAsync keeps them in the store; the newest (20 s/GB) succeeded after a failure.
        await WriteDrillAsync("20261129T030000000Z-aaaaaa", success: true, bytes: 2_000_000_000, seconds: 100);
        await WriteDrillAsync("20261130T030000000Z-bbbbbb", success: false, bytes: 2_000_000_000, seconds: 3);
        await WriteDrillAsync("20261201T030000000Z-cccccc", success: true, bytes: 2_000_000_000, seconds: 40);

        var (code, output, error) = await InProcessCli.RunAsync("status", "--store", "file://" + StoreFolder);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("restore drills: 2 of the last 3 succeeded; recovery 35.0 s/GB median, 20.0 s/GB (50.0 MB/s) latest", output, StringComparison.Ordinal);
    }

    private async Task WriteDrillAsync(string id, bool success, long bytes, double seconds)
    {
        var folder = Directory.CreateDirectory(Path.Combine(StoreFolder, "drills")).FullName;
        var started = DateTimeOffset.ParseExact(id[..19], "yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        var json = System.Text.Json.JsonSerializer.Serialize(new { id, success, startedAt = started, finishedAt = started.AddSeconds(seconds), bytes, totalSeconds = seconds, scratchDatabase = "backup_drill_x" });
        await File.WriteAllTextAsync(Path.Combine(folder, id + ".json"), json);
    }
}
