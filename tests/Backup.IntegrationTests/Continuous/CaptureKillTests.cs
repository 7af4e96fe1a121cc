using System.Text.Json;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Continuous;

/// <summary>
/// Continuous capture run as an operator runs it (<c>backup-core capture</c>, its own process) under
/// pgbench load, killed with SIGKILL in the middle and started again: what the killed process left
/// in its spool is cleared, nothing is stored twice, and recovery to every moment is exact.
/// </summary>
public sealed class CaptureKillTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly string _database = "it_ck_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _root = new();
    private readonly string _key = Services.NewKey();
    private readonly List<string> _recovered = [];

    private string Store => Path.Combine(_root.Path, "store");

    private string Spool => Path.Combine(_root.Path, "spool");

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await PgbenchMoments.InitializeAsync(_database);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task CaptureProcess_KilledWithSigkillUnderLoad_ResumesOnRestart_AndEveryMomentRecoversExactly()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), Store, _key, b =>
            b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var arguments = await CaptureArgumentsAsync();
        var moments = new List<(DateTimeOffset At, SortedDictionary<string, string> Hashes)>();
        var load = PgbenchMoments.RunAsync(_database, "-n", "-c", "2", "-j", "2", "-T", "10");

        string[] leftovers;
        using (var first = ChildProcess.Start("dotnet", arguments, _root.Path, Environment()))
        {
            await first.WaitForAsync(() => Task.FromResult(LastStatus(first)?.GetProperty("segmentsStored").GetInt64() > 2), Limit);
            moments.Add(await PgbenchMoments.RecordAsync(_database));
            await Task.Delay(700);
            moments.Add(await PgbenchMoments.RecordAsync(_database));
            // Mid-load and mid-segment: a segment may be half in the spool, its changes unconfirmed to the server.
            first.Signal("KILL");
            await first.ExitCodeAsync(Limit);
            leftovers = Directory.Exists(Spool) ? Directory.GetFiles(Spool, "*", SearchOption.AllDirectories) : [];
        }

        // The load goes on while no capture runs: the slot keeps it.
        moments.Add(await PgbenchMoments.RecordAsync(_database));
        using var second = ChildProcess.Start("dotnet", arguments, _root.Path, Environment());
        await Task.Delay(1000);
        moments.Add(await PgbenchMoments.RecordAsync(_database));
        await load;
        moments.Add(await PgbenchMoments.RecordAsync(_database));
        await second.WaitForAsync(() => Task.FromResult(LastStatus(second)?.TryGetProperty("recoveryPoint", out var point) == true && point.GetDateTimeOffset() >= moments[^1].At), Limit);
        second.Signal("TERM");
        Assert.True(await second.ExitCodeAsync(Limit) == 0, second.Output);

        Assert.All(leftovers, file => Assert.False(File.Exists(file), $"{file}, left by the killed process, is still in the spool"));
        if (leftovers.Length > 0)
        {
            Assert.Contains($"removed {leftovers.Length} segment(s) a previous run left in the spool", second.StandardError, StringComparison.Ordinal);
        }
        var chain = await service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed });
        var links = chain.Where(b => b.Type == BackupType.Incremental).ToList();
        Assert.True(links.Count >= 4, $"only {links.Count} segments");
        // A segment stored twice (by the killed run and again by the next) would give one parent two children.
        Assert.Empty(links.GroupBy(l => l.ParentId).Where(g => g.Count() > 1).Select(g => g.Key));
        foreach (var (at, hashes) in moments)
        {
            var recovered = await service.PointInTimeRecoveryAsync(at);
            _recovered.Add(recovered.TargetDatabase);
            Assert.Equal(hashes, await PgbenchMoments.HashesAsync(recovered.TargetDatabase));
            await PgbenchMoments.AssertBalancedAsync(recovered.TargetDatabase);
            // Every pgbench transaction inserts one history row; one replayed twice would be counted twice.
            Assert.Equal(await TestServer.ScalarAsync<long>(recovered.TargetDatabase, "SELECT count(*) FROM pgbench_history"), recovered.Transactions);
        }
    }

    private Dictionary<string, string> Environment() => new() { ["DATABASE_URL"] = TestServer.Url(_database) };

    private async Task<string[]> CaptureArgumentsAsync()
    {
        var keyFile = Path.Combine(_root.Path, "backup.key");
        await File.WriteAllTextAsync(keyFile, _key);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite); // or the CLI warns
        }
        var config = Path.Combine(_root.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Backup = new
            {
                Postgres = new
                {
                    ToolsDirectory = TestServer.ToolsDirectory,
                    ChangeCapture = true,
                    ContinuousCapture = new { FlushInterval = "00:00:00.200", IdleMarkerInterval = "00:00:01", MaxRetryDelay = "00:00:01", SpoolDirectory = Spool },
                },
            },
        }));
        return [BuiltProgram.Path("src/Backup.Cli", "backup-core.dll"), "capture", "--json", "--every", "0.2", "--config", config, "--store", "file://" + Store, "--key-file", keyFile];
    }

    // The newest status line the capture printed (one JSON object a line), or null before the first.
    private static JsonElement? LastStatus(ChildProcess capture) =>
        capture.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [.., var last]
            ? JsonDocument.Parse(last).RootElement
            : null;
}
