namespace Backup.IntegrationTests.Parts;

/// <summary>One table of ~160 MB: with 16 MB parts on two connections, its COPY takes a few seconds, long enough to kill mid-way.</summary>
public sealed class BigTableFixture : IAsyncLifetime
{
    public string Database { get; } = "it_parts_kill_" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(Database);
        await TestServer.ExecuteAsync(Database, """
            CREATE TABLE big (id int PRIMARY KEY, payload text NOT NULL);
            INSERT INTO big SELECT g, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text) FROM generate_series(1, 1000000) g;
            """);
        await TestServer.ExecuteAsync(Database, "VACUUM ANALYZE big");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(Database, []);
}
