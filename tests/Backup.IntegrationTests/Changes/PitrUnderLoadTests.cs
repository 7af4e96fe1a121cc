using System.Diagnostics;
using Backup.IntegrationTests.Support;
using Npgsql;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// Point-in-time recovery while pgbench (its built-in TPC-B script) writes: incrementals are taken
/// repeatedly under load; at several moments the test records the content of every table; recovery
/// to each moment must reproduce exactly that content, and pgbench's own invariant
/// sum(abalance) = sum(delta) must hold in every recovered database. Slot heartbeats run all along,
/// as the hosted monitor sends them: they must never move the slot past a change.
/// </summary>
public sealed class PitrUnderLoadTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Tables = ["pgbench_accounts", "pgbench_branches", "pgbench_history", "pgbench_tellers"];
    private readonly string _database = "it_load_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await RunPgbenchAsync("-i", "-s", "1", "-q");
        // pgbench_history has no primary key; it only takes inserts, so FULL costs nothing.
        await TestServer.ExecuteAsync(_database, "ALTER TABLE pgbench_history REPLICA IDENTITY FULL");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task RecoveryToMomentsRecordedUnderPgbenchLoad_ReproducesThemExactly()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();

        var load = RunPgbenchAsync("-n", "-c", "2", "-j", "2", "-T", "10");
        var heartbeats = Task.Run(async () =>
        {
            while (!load.IsCompleted)
            {
                await service.SendSlotHeartbeatsAsync();
                await Task.Delay(100);
            }
        });
        var moments = new List<(DateTimeOffset At, SortedDictionary<string, string> Hashes)>();
        var incrementals = 0;
        while (!load.IsCompleted)
        {
            await Task.Delay(1500);
            moments.Add(await RecordMomentAsync());
            await service.CreateIncrementalBackupAsync();
            incrementals++;
        }
        await load;
        await heartbeats;
        await service.CreateIncrementalBackupAsync();

        Assert.True(moments.Count >= 3, $"only {moments.Count} moments were recorded during the load");
        Assert.True(incrementals >= 3);
        foreach (var (at, hashes) in moments.Where((_, i) => i % 2 == 0 || i == moments.Count - 1))
        {
            var recovered = await service.PointInTimeRecoveryAsync(at);
            _recovered.Add(recovered.TargetDatabase);
            Assert.True(recovered.Transactions > 0);
            Assert.Equal(hashes, await TableHashesAsync(recovered.TargetDatabase));
            Assert.Equal(0L, await TestServer.ScalarAsync<long>(recovered.TargetDatabase, "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT coalesce(sum(delta), 0) FROM pgbench_history)"));
        }
    }

    // EXCLUSIVE locks wait for every writing transaction to end and hold new ones back (readers
    // go on): every commit before the clock reading is in the hashes, every later one is not.
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
        var hashes = await TableHashesAsync(_database);
        await transaction.CommitAsync();
        return (at, hashes);
    }

    private static async Task<SortedDictionary<string, string>> TableHashesAsync(string database) =>
        new((await DatabaseComparison.ContentHashesAsync(database)).Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal)).ToDictionary(), StringComparer.Ordinal);

    private async Task RunPgbenchAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, "pgbench")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Concat(["--host=" + TestServer.Host, "--port=" + TestServer.Port, "--username=" + TestServer.User, _database]))
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGPASSWORD"] = TestServer.Password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pgbench {string.Join(' ', arguments)} failed: {errors} {await output}");
    }
}
