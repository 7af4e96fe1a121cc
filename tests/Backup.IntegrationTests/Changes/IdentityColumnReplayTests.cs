using Backup.Core;
using Backup.Core.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// Tables whose columns are <c>GENERATED ALWAYS AS IDENTITY</c> (a key, and a plain column of a
/// table replayed row by row) recover exactly: replay writes the source's numbers into them, which
/// PostgreSQL allows an INSERT only with OVERRIDING SYSTEM VALUE and an UPDATE never.
/// </summary>
public sealed class IdentityColumnReplayTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_identity_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public Task InitializeAsync() => TestServer.CreateDatabaseAsync(_database).ContinueWith(_ => TestServer.ExecuteAsync(_database, """
        CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL, hits int NOT NULL DEFAULT 0);
        CREATE TABLE notes (seq int GENERATED ALWAYS AS IDENTITY, body text NOT NULL);
        ALTER TABLE notes REPLICA IDENTITY FULL;
        INSERT INTO tickets (title) SELECT 'ticket ' || g FROM generate_series(1, 300) g;
        INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, 20) g;
        """)).Unwrap();

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(_database, _recovered);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task InsertsUpdatesAndDeletes_OfIdentityAlwaysColumns_RecoverExactly()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.GetRequiredService<BackupService>();
        await service.CreateFullBackupAsync();

        // Many rows in one transaction (applied as a set), single rows (applied as statements), and a
        // table without a key (always row by row), with inserts drawing new identity numbers.
        await TestServer.ExecuteAsync(_database, "UPDATE tickets SET hits = hits + 1 WHERE id % 3 = 0");
        await TestServer.ExecuteAsync(_database, "INSERT INTO tickets (title) SELECT 'later ' || g FROM generate_series(1, 50) g");
        await TestServer.ExecuteAsync(_database, "DELETE FROM tickets WHERE id BETWEEN 10 AND 19");
        for (var i = 0; i < 5; i++)
        {
            await TestServer.ExecuteAsync(_database, $"UPDATE tickets SET title = 'renamed {i}' WHERE id = {100 + i}");
        }
        await TestServer.ExecuteAsync(_database, "UPDATE notes SET body = 'edited' WHERE seq = 4");
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes (body) VALUES ('new note')");
        await TestServer.ExecuteAsync(_database, "DELETE FROM notes WHERE seq = 7");
        var expected = await DatabaseComparison.ContentHashesAsync(_database);
        await service.CreateIncrementalBackupAsync();

        var recovered = await service.RestoreLatestAsync();
        _recovered.Add(recovered.TargetDatabase);

        // 100 updated, 50 inserted, 10 deleted, 5 renamed; one note each edited, inserted, deleted.
        Assert.Equal(168, recovered.Changes);
        Assert.Equal(expected.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal)), (await DatabaseComparison.ContentHashesAsync(recovered.TargetDatabase)).Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal)));
        // The identity sequences continue after the source's numbers: a new row gets no number twice.
        await TestServer.ExecuteAsync(recovered.TargetDatabase, "INSERT INTO tickets (title) VALUES ('after recovery')");
        Assert.Equal(351L, await TestServer.ScalarAsync<long>(recovered.TargetDatabase, "SELECT max(id) FROM tickets"));
    }
}
