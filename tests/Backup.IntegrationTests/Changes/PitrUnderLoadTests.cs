using Backup.IntegrationTests.Support;

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
    private readonly string _database = "it_load_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await PgbenchMoments.InitializeAsync(_database);
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

        var load = PgbenchMoments.RunAsync(_database, "-n", "-c", "2", "-j", "2", "-T", "10");
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
            moments.Add(await PgbenchMoments.RecordAsync(_database));
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
            Assert.Equal(hashes, await PgbenchMoments.HashesAsync(recovered.TargetDatabase));
            await PgbenchMoments.AssertBalancedAsync(recovered.TargetDatabase);
        }
    }
}
