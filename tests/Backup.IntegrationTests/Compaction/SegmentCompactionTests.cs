using System.Diagnostics;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Compaction;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Backup.IntegrationTests.Compaction;

/// <summary>
/// Compaction of a change-capture chain built under a pgbench load (plus a table with a serial key
/// and a sequence advanced outside any transaction, so sequence values differ between segments):
/// recovery to every recorded moment gives the same tables and sequences after compaction as
/// before it, also when the run is interrupted while deleting the merged sources; a damaged
/// source fails its group and leaves the chain as it was.
/// </summary>
public sealed class SegmentCompactionTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Tables = ["pgbench_accounts", "pgbench_branches", "pgbench_history", "pgbench_tellers", "events"];
    private readonly string _database = "it_compact_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await RunPgbenchAsync("-i", "-s", "1", "-q");
        await TestServer.ExecuteAsync(_database, """
            ALTER TABLE pgbench_history REPLICA IDENTITY FULL;
            CREATE TABLE events (id bigserial PRIMARY KEY, v int NOT NULL);
            CREATE SEQUENCE burned;
            """);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task CompactedChain_RecoversEveryMomentAsBefore_VerifiesAndHoldsFewerObjects()
    {
        var store = new DeleteFailingStorage(_store.Path);
        using var provider = Build(store);
        var service = provider.Service();
        var moments = await BuildChainAsync(service);
        var before = await RecoverEveryMomentAsync(service, moments);
        var incrementals = await IncrementalsAsync(service);
        var objectsBefore = await ObjectCountAsync(store);

        var result = await service.CompactSegmentsAsync(new SegmentCompactionOptions { CompactAfter = TimeSpan.Zero, MaxMergedBytes = MaxBytesForGroupsOf(incrementals, 3) });

        Assert.True(result.SegmentsWritten >= 2 && result.SegmentsMerged > result.SegmentsWritten, $"{result}");
        Assert.Equal((1, 0, 0), (result.ChainsExamined, result.FailedGroups, result.LeftoversDeleted));
        var after = await IncrementalsAsync(service);
        Assert.Equal(incrementals.Count - result.SegmentsMerged + result.SegmentsWritten, after.Count);
        Assert.Equal(objectsBefore - 2 * (result.SegmentsMerged - result.SegmentsWritten), await ObjectCountAsync(store));
        Assert.Equal(result.ObjectsBefore - result.ObjectsAfter, 2 * (result.SegmentsMerged - result.SegmentsWritten));
        Assert.Equal(result.SegmentsWritten, after.Count(b => b.Properties.ContainsKey(ManifestProperties.CompactedLast)));
        Assert.Equal(incrementals.Sum(b => b.TransactionCount), after.Sum(b => b.TransactionCount));
        foreach (var backup in after)
        {
            Assert.True((await service.VerifyBackupAsync(backup.Id)).IsValid, backup.Id);
        }
        Assert.Equal(before, await RecoverEveryMomentAsync(service, moments));
    }

    [Fact]
    public async Task InterruptedWhileDeletingSources_RecoversEveryMomentAsBefore_AndTheNextRunDeletesTheLeftovers()
    {
        var store = new DeleteFailingStorage(_store.Path);
        using var provider = Build(store);
        var service = provider.Service();
        var moments = await BuildChainAsync(service);
        var before = await RecoverEveryMomentAsync(service, moments);
        var incrementals = await IncrementalsAsync(service);

        // The first source's manifest goes; every later delete fails, as if the process died there.
        store.FailDeletesAfter(1);
        var interrupted = await service.CompactSegmentsAsync(new SegmentCompactionOptions { CompactAfter = TimeSpan.Zero, MaxMergedBytes = MaxBytesForGroupsOf(incrementals, 3) });
        store.FailDeletesAfter(null);

        Assert.True(interrupted.SegmentsWritten >= 2, $"{interrupted}");
        var leftBehind = await IncrementalsAsync(service);
        Assert.True(leftBehind.Count > incrementals.Count, "the sources were meant to be left behind");
        Assert.Equal(before, await RecoverEveryMomentAsync(service, moments));

        var cleanup = await service.CompactSegmentsAsync(new SegmentCompactionOptions { CompactAfter = TimeSpan.Zero, MaxMergedBytes = MaxBytesForGroupsOf(incrementals, 3) });

        Assert.True(cleanup.LeftoversDeleted > 0, $"{cleanup}");
        var clean = await IncrementalsAsync(service);
        Assert.Equal(incrementals.Sum(b => b.TransactionCount), clean.Sum(b => b.TransactionCount));
        Assert.Equal(before, await RecoverEveryMomentAsync(service, moments));
    }

    [Fact]
    public async Task ADamagedSource_FailsItsGroup_KeepsTheSources_AndLeavesNoMergedSegment()
    {
        var store = new DeleteFailingStorage(_store.Path);
        using var provider = Build(store);
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        for (var i = 0; i < 3; i++)
        {
            await TestServer.ExecuteAsync(_database, $"INSERT INTO events (v) SELECT g FROM generate_series(1, {100 * (i + 1)}) g");
            await service.CreateIncrementalBackupAsync();
        }
        var incrementals = await IncrementalsAsync(service);
        var damaged = incrementals[1];
        var path = Path.Combine(_store.Path, damaged.Content!.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x5a;
        await File.WriteAllBytesAsync(path, bytes);
        var objectsBefore = await ObjectCountAsync(store);

        var result = await service.CompactSegmentsAsync(new SegmentCompactionOptions { CompactAfter = TimeSpan.Zero });

        Assert.Equal((1, 0, 0), (result.FailedGroups, result.SegmentsWritten, result.SegmentsMerged));
        Assert.Equal(incrementals.Select(b => b.Id), (await IncrementalsAsync(service)).Select(b => b.Id));
        Assert.Equal(objectsBefore, await ObjectCountAsync(store));
    }

    private ServiceProvider Build(DeleteFailingStorage store) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; })
                  .UseStorage(_ => store));

    // Eight incrementals under load, a moment recorded before each.
    private async Task<List<(DateTimeOffset At, SortedDictionary<string, string> Tables)>> BuildChainAsync(BackupService service)
    {
        await service.CreateFullBackupAsync();
        using var stop = new CancellationTokenSource();
        var load = RunPgbenchAsync(stop.Token, "-n", "-c", "2", "-j", "2", "-T", "300");
        var sideLoad = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                // A row with a serial key, and a sequence advanced with no row: sequence values then differ between segments.
                await TestServer.ExecuteAsync(_database, $"INSERT INTO events (v) VALUES ({i++}); SELECT nextval('burned');");
                await TestServer.ExecuteAsync(_database, "SELECT nextval('burned')");
                await Task.Delay(20);
            }
        });
        var moments = new List<(DateTimeOffset, SortedDictionary<string, string>)>();
        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(300);
            moments.Add(await RecordMomentAsync());
            await service.CreateIncrementalBackupAsync();
        }
        await stop.CancelAsync();
        await load;
        await sideLoad;
        await service.CreateIncrementalBackupAsync();
        return moments;
    }

    // Every table and sequence of the database recovered to each moment; the tables must be the moment's.
    private async Task<List<SortedDictionary<string, string>>> RecoverEveryMomentAsync(BackupService service, List<(DateTimeOffset At, SortedDictionary<string, string> Tables)> moments)
    {
        var states = new List<SortedDictionary<string, string>>();
        foreach (var (at, tables) in moments)
        {
            var recovered = await service.PointInTimeRecoveryAsync(at);
            _recovered.Add(recovered.TargetDatabase);
            var all = await DatabaseComparison.ContentHashesAsync(recovered.TargetDatabase);
            Assert.Equal(tables, TablesOnly(all));
            Assert.Equal(0L, await TestServer.ScalarAsync<long>(recovered.TargetDatabase, "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT coalesce(sum(delta), 0) FROM pgbench_history)"));
            states.Add(all);
            await TestServer.DropDatabaseAsync(recovered.TargetDatabase);
        }
        return states;
    }

    private async Task<(DateTimeOffset, SortedDictionary<string, string>)> RecordMomentAsync()
    {
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(_database));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTables = new NpgsqlCommand($"LOCK TABLE {string.Join(", ", Tables)} IN EXCLUSIVE MODE", connection, transaction))
        {
            await lockTables.ExecuteNonQueryAsync();
        }
        await using var clock = new NpgsqlCommand("SELECT clock_timestamp()", connection, transaction);
        var at = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await clock.ExecuteScalarAsync())!, DateTimeKind.Utc));
        var hashes = TablesOnly(await DatabaseComparison.ContentHashesAsync(_database));
        await transaction.CommitAsync();
        return (at, hashes);
    }

    private static SortedDictionary<string, string> TablesOnly(SortedDictionary<string, string> hashes) =>
        new(hashes.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal)).ToDictionary(), StringComparer.Ordinal);

    private static async Task<List<BackupManifest>> IncrementalsAsync(BackupService service) =>
        [.. (await service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed })).Where(b => b.Type == BackupType.Incremental).OrderBy(b => b.Id, StringComparer.Ordinal)];

    // A limit that lets about `count` average incrementals share a merged segment.
    // About a third of the chain per group (never less than its largest link), so that several groups
    // form however the load spread the changes over the incrementals.
    private static long MaxBytesForGroupsOf(List<BackupManifest> incrementals, int groups) =>
        Math.Max(incrementals.Max(b => b.Content!.RawBytes), incrementals.Sum(b => b.Content!.RawBytes) / groups);

    private static async Task<int> ObjectCountAsync(DeleteFailingStorage store)
    {
        var count = 0;
        await foreach (var _ in store.ListAsync(""))
        {
            count++;
        }
        return count;
    }

    private Task RunPgbenchAsync(params string[] arguments) => RunPgbenchAsync(CancellationToken.None, arguments);

    // Cancelling stops pgbench (the load is over, not failed).
    private async Task RunPgbenchAsync(CancellationToken stop, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, "pgbench")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Concat(["--host=" + TestServer.Host, "--port=" + TestServer.Port, "--username=" + TestServer.User, _database]))
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGPASSWORD"] = TestServer.Password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using (stop.Register(() => process.Kill()))
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }
        Assert.True(process.ExitCode == 0 || stop.IsCancellationRequested, $"pgbench {string.Join(' ', arguments)} failed: {await errors} {await output}");
    }
}
