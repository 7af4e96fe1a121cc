namespace Backup.IntegrationTests.Support;

/// <summary>
/// A backed-up database with no writes next to another database of the same server that writes a
/// lot of WAL: the setting in which an idle chain slot holds the whole cluster's WAL back.
/// </summary>
internal sealed class IdleDatabaseInABusyCluster(string prefix)
{
    /// <summary>The idle database (the one backed up).</summary>
    public string Database { get; } = $"it_{prefix}_" + Guid.NewGuid().ToString("N")[..8];

    private string Busy { get; } = $"it_{prefix}_busy_" + Guid.NewGuid().ToString("N")[..8];

    public async Task CreateAsync(string idleSchemaSql)
    {
        await TestServer.CreateDatabaseAsync(Database);
        await TestServer.ExecuteAsync(Database, idleSchemaSql);
        await TestServer.CreateDatabaseAsync(Busy);
        await TestServer.ExecuteAsync(Busy, "CREATE TABLE filler (v text NOT NULL)");
    }

    public async Task DropAsync()
    {
        await TestServer.DropWithSlotsAsync(Database, []);
        await TestServer.DropDatabaseAsync(Busy);
    }

    // About 12 MB of WAL. The checkpoint logs the running transactions, as the background writer
    // does every 15 s on a busy server: only at such a record can decoding move a slot's restart position.
    public Task WriteWalAsync() =>
        TestServer.ExecuteAsync(Busy, "INSERT INTO filler SELECT repeat(md5(g::text), 30) FROM generate_series(1, 12000) g; TRUNCATE filler; CHECKPOINT;");

    public Task<string> CurrentWalAsync() => TestServer.ScalarAsync<string>(Busy, "SELECT pg_current_wal_lsn()::text");

    public Task<long> DistanceAsync(string from, string to) => TestServer.ScalarAsync<long>(Busy, $"SELECT pg_wal_lsn_diff('{to}', '{from}')::bigint");

    /// <summary>
    /// How much WAL before <paramref name="position"/> the idle database's slot keeps the server from
    /// removing (negative: none). Against fixed positions, not the current one: other tests write WAL
    /// on the same server meanwhile.
    /// </summary>
    public Task<long> SlotBehindAsync(string position) =>
        TestServer.ScalarAsync<long>(Database, $"SELECT pg_wal_lsn_diff('{position}', restart_lsn)::bigint FROM pg_replication_slots WHERE database = '{Database}'");
}
