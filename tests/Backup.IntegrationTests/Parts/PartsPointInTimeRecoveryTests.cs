namespace Backup.IntegrationTests.Parts;

/// <summary>Point-in-time recovery from a chain whose full backup was taken in parts: the parts are the base the changes replay on.</summary>
public sealed class PartsPointInTimeRecoveryTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_parts_pitr_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE accounts (aid int PRIMARY KEY, abalance int NOT NULL, filler text);
            INSERT INTO accounts SELECT g, 0, repeat('a', 80) FROM generate_series(1, 15000) g;
            CREATE TABLE history (hid bigserial PRIMARY KEY, aid int NOT NULL, delta int NOT NULL);
            INSERT INTO history (aid, delta) SELECT g, 0 FROM generate_series(1, 2000) g;
            """);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FullBackupInParts_ThenIncremental_RecoversTheMomentBetweenWrites()
    {
        using var provider = PartsTestSupport.Build(_database, _store.Path, Services.NewKey(), changeCapture: true);
        var service = provider.Service();

        var full = await service.CreateFullBackupAsync();
        PartsTestSupport.PartsOf(full, "public.accounts", atLeast: 2);
        PartsTestSupport.PartsOf(full, "public.history");

        await WritesAsync(1);
        var moment = new DateTimeOffset(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()"), DateTimeKind.Utc));
        var atMoment = await DatabaseComparison.ContentHashesAsync(_database);
        await Task.Delay(20);
        await WritesAsync(2);
        var incremental = await service.CreateIncrementalBackupAsync();
        Assert.Equal(full.Id, incremental.ChainId);

        var pitr = await service.PointInTimeRecoveryAsync(moment);
        _recovered.Add(pitr.TargetDatabase);

        Assert.Equal([full.Id, incremental.Id], pitr.BackupIds);
        static IEnumerable<KeyValuePair<string, string>> Tables(IDictionary<string, string> hashes) => hashes.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal));
        Assert.Equal(Tables(atMoment), Tables(await DatabaseComparison.ContentHashesAsync(pitr.TargetDatabase)));
    }

    // Updates rows in every page range of accounts, inserts and deletes, in 20 transactions.
    private async Task WritesAsync(int round)
    {
        for (var i = 0; i < 20; i++)
        {
            await TestServer.ExecuteAsync(_database, $"""
                UPDATE accounts SET abalance = abalance + {round * 100 + i} WHERE aid % 997 = {i};
                INSERT INTO history (aid, delta) VALUES ({i + 1}, {round * 100 + i});
                DELETE FROM history WHERE hid = {round * 50 + i + 1};
                """);
        }
    }
}
