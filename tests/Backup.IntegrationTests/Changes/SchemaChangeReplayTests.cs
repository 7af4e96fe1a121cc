using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// How a captured schema change is placed and run by replay: inside a transaction between row
/// changes, CREATE TABLE AS (whose rows come before its statement), CREATE INDEX CONCURRENTLY (its
/// own transactions), a DO block firing two commands, and a statement run by another role.
/// </summary>
public sealed class SchemaChangeReplayTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _role = "it_ddl_owner_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];
    private readonly List<string> _logins = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, $"""
            CREATE ROLE {_role};
            GRANT CREATE ON SCHEMA public TO {_role};
            CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 200) g;
            """);
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(_database, _recovered);
        foreach (var role in _logins.Append(_role))
        {
            await TestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS {role}");
        }
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task SchemaChangesAmongRowChanges_ReplayAtTheirPlace_ToEveryMoment()
    {
        using var provider = Build();
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        var moments = new List<(DateTimeOffset At, string Schema, SortedDictionary<string, string> Rows)>();

        // Rows before and after an ALTER in one transaction: the second insert has the new column.
        await TestServer.ExecuteAsync(_database, """
            BEGIN;
            INSERT INTO items VALUES (201, 'before');
            ALTER TABLE items ADD COLUMN price numeric(8,2) NOT NULL DEFAULT 1.50;
            INSERT INTO items VALUES (202, 'after', 9.99);
            UPDATE items SET price = 2 WHERE id <= 10;
            COMMIT;
            """);
        moments.Add(await MomentAsync());
        // CREATE TABLE AS: the stream sends its rows before its statement.
        await TestServer.ExecuteAsync(_database, "CREATE TABLE expensive AS SELECT id, name FROM items WHERE price > 1.5");
        await TestServer.ExecuteAsync(_database, "ALTER TABLE expensive ADD PRIMARY KEY (id); INSERT INTO expensive VALUES (1000, 'added')");
        moments.Add(await MomentAsync());
        var first = await service.CreateIncrementalBackupAsync();
        // Runs outside a transaction on the source; replay runs it inside one.
        await TestServer.ExecuteAsync(_database, "CREATE INDEX CONCURRENTLY items_name ON items (name)");
        // One query firing two commands: run once.
        await TestServer.ExecuteAsync(_database, "DO $$ BEGIN ALTER TABLE items RENAME COLUMN name TO title; ALTER TABLE items ALTER COLUMN price TYPE numeric(10,3); END $$");
        await TestServer.ExecuteAsync(_database, $"SET ROLE {_role}; CREATE TABLE owned (id int PRIMARY KEY); INSERT INTO owned VALUES (1); RESET ROLE");
        await TestServer.ExecuteAsync(_database, "UPDATE items SET title = upper(title) WHERE id % 7 = 0; DELETE FROM items WHERE id % 11 = 0");
        moments.Add(await MomentAsync());
        var second = await service.CreateIncrementalBackupAsync();

        Assert.Equal("on", full.Properties["ddl-capture"]);
        Assert.Equal("on", (await service.GetBackupStatusAsync()).DdlCapture);
        // The tables reshaped by a statement are recorded with the incremental that holds it: the next one checks against them.
        Assert.Equal("id:23,name:25,price:1700", first.Properties["shape:public.items"]);
        Assert.Equal((full.Id, full.Id), (first.ChainId!, second.ChainId!));
        foreach (var (at, schema, rows) in moments)
        {
            var recovered = await service.PointInTimeRecoveryAsync(at);
            _recovered.Add(recovered.TargetDatabase);
            Assert.Equal(schema, await DatabaseComparison.NormalizedSchemaAsync(recovered.TargetDatabase));
            Assert.Equal(Tables(rows), Tables(await DatabaseComparison.ContentHashesAsync(recovered.TargetDatabase)));
        }
    }

    [Fact]
    public async Task QueryMixingSchemaAndRowChanges_EndsTheChainWithAMessageNamingIt()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "DO $$ BEGIN ALTER TABLE items ADD COLUMN note text; UPDATE items SET note = 'x'; END $$");

        var error = await Assert.ThrowsAsync<SchemaChangedException>(() => service.CreateIncrementalBackupAsync());

        Assert.Contains("ALTER TABLE", error.Message, StringComparison.Ordinal);
        Assert.Contains("UPDATE items SET note", error.Message, StringComparison.Ordinal);
        Assert.Contains("new full backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALowPrivilegeRole_CannotForgeARecordedSchemaChange_NorGainRightsThroughReplay()
    {
        var login = "it_ddl_low_" + Guid.NewGuid().ToString("N")[..8];
        await TestServer.ExecuteAsync(_database, $"CREATE ROLE {login} LOGIN PASSWORD 'low-secret'; GRANT CREATE ON SCHEMA public TO {login}");
        _logins.Add(login);
        {
            using var provider = Build();
            var service = provider.Service();
            await service.CreateFullBackupAsync();
            var low = new Npgsql.NpgsqlConnectionStringBuilder(TestServer.ConnectionString(_database)) { Username = login, Password = "low-secret", Pooling = false }.ConnectionString;
            await using (var connection = new Npgsql.NpgsqlConnection(low))
            {
                await connection.OpenAsync();
                // A record claiming to come from a superuser: the log table is not writable, and messages are not records.
                var forged = """{"tag":"ALTER TABLE","query":"DO $$ BEGIN ALTER ROLE ROLE_NAME CREATEDB; END $$","searchPath":"public","role":"postgres","statementTime":"2026-12-03T10:00:00+00:00","objects":[],"shapes":{}}""".Replace("ROLE_NAME", login, StringComparison.Ordinal);
                await using (var emit = new Npgsql.NpgsqlCommand("SELECT pg_logical_emit_message(true, 'backup-core-ddl', $1)", connection) { Parameters = { new() { Value = forged } } })
                {
                    await emit.ExecuteNonQueryAsync();
                }
                await using var insert = new Npgsql.NpgsqlCommand("INSERT INTO backup_core.ddl_log (change) VALUES ($1)", connection) { Parameters = { new() { Value = forged } } };
                var denied = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => insert.ExecuteNonQueryAsync());
                Assert.Equal("42501", denied.SqlState);
            }
            await service.CreateIncrementalBackupAsync();
            var recovered = await service.RestoreLatestAsync();
            _recovered.Add(recovered.TargetDatabase);
            Assert.False(await TestServer.ScalarAsync<bool>("postgres", $"SELECT rolcreatedb FROM pg_roles WHERE rolname = '{login}'"));

            // A real schema change in a text (one simple query) that hands the rest back to the session's role:
            // refused at capture, since replay runs the whole text as the recorded role and RESET ROLE would leave it.
            await PostgresTool.RunAsync("psql", _database, "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", $"SET ROLE {login}; CREATE TABLE lp (id int PRIMARY KEY); RESET ROLE; CREATE TABLE lp2 (id int PRIMARY KEY)");
            var error = await Assert.ThrowsAsync<SchemaChangedException>(() => service.CreateIncrementalBackupAsync());
            Assert.Contains("changes the role", error.Message, StringComparison.Ordinal);
        }
    }

    private async Task<(DateTimeOffset, string, SortedDictionary<string, string>)> MomentAsync()
    {
        var at = new DateTimeOffset(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()"), DateTimeKind.Utc));
        return (at, await DatabaseComparison.NormalizedSchemaAsync(_database), await DatabaseComparison.ContentHashesAsync(_database));
    }

    // Sequences may be ahead in a recovered database (captured after the changes).
    private static IEnumerable<KeyValuePair<string, string>> Tables(IDictionary<string, string> hashes) => hashes.Where(h => h.Key.StartsWith("r ", StringComparison.Ordinal));

    private ServiceProvider Build() =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
}
