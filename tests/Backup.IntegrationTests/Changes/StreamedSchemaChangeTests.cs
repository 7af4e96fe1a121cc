using Backup.Core.Changes;
using Backup.Core.Postgres;
using Backup.Core.Replay;
using Npgsql;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// A migration inside a transaction big enough to be streamed while it runs (an ALTER between two
/// bulk loads): its relation descriptions and its schema change keep their place in the spool, so
/// the rows before the ALTER replay with the old shape and those after with the new one.
/// </summary>
public sealed class StreamedSchemaChangeTests : IAsyncLifetime
{
    private const string Schema = "CREATE TABLE items (id int PRIMARY KEY, note text)";
    private readonly string _database = "it_sddl_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _target = "it_sddl_t_" + Guid.NewGuid().ToString("N")[..8];
    private ChangeCapture _capture = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.CreateDatabaseAsync(_target);
        await TestServer.ExecuteAsync(_database, Schema);
        await TestServer.ExecuteAsync(_target, Schema);
        // The walsender of this connection streams any transaction past 64 kB of changes.
        var connection = PostgresConnectionInfo.Parse(TestServer.ConnectionString(_database) + ";Options=-c logical_decoding_work_mem=64kB");
        _capture = new ChangeCapture(connection, "it_slot_" + _database[^8..], "it_pub");
        Assert.Equal("on", (await _capture.EnsurePublicationAsync(captureSchemaChanges: true, CancellationToken.None)).SchemaCapture);
        await using var snapshot = await _capture.CreateSlotAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _capture.DropSlotAsync(CancellationToken.None);
        await TestServer.DropDatabaseAsync(_database);
        await TestServer.DropDatabaseAsync(_target);
    }

    [Fact]
    public async Task StreamedTransactionWithAnAlter_KeepsEachRowsShape_AndReplaysExactly()
    {
        await TestServer.ExecuteAsync(_database, """
            BEGIN;
            INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;
            ALTER TABLE items ADD COLUMN size int NOT NULL DEFAULT 7;
            INSERT INTO items SELECT g, 'new', g % 13 FROM generate_series(5001, 10000) g;
            UPDATE items SET size = 1 WHERE id % 100 = 0;
            COMMIT;
            """);
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);

        var segment = new MemoryStream();
        var writer = new ChangeSegmentWriter(segment);
        var result = await _capture.DrainAsync(writer, new Dictionary<string, string> { ["public.items"] = "id:23,note:25" }, "test", captureSchemaChanges: true, CancellationToken.None);
        await writer.CompleteAsync(result.EndLsn);
        segment.Position = 0;
        var items = await new ChangeSegmentReader(segment).ReadAllAsync().ToListAsync();
        segment.Position = 0;
        await using (var target = new NpgsqlConnection(TestServer.ConnectionString(_target)))
        {
            await target.OpenAsync();
            await new ChangeReplayer(target).ApplyAsync(new ChangeSegmentReader(segment), null, CancellationToken.None);
        }

        Assert.True(result.StreamedTransactions >= 1, "the transaction should have been streamed");
        // The descriptions (sent again with each streamed chunk) are inside the transaction, the old shape before the statement, the new after.
        var begin = items.FindIndex(i => i is BeginItem);
        var statement = items.FindIndex(i => i is SchemaChangeItem);
        var commit = items.FindIndex(i => i is CommitItem);
        var described = items.Select((item, index) => (item, index)).Where(p => p.item is RelationItem).Select(p => (Columns: ((RelationItem)p.item).Relation.Columns.Count, Index: p.index)).ToList();
        Assert.True(begin < described[0].Index && described[^1].Index < commit, "descriptions inside the transaction");
        Assert.All(described, d => Assert.Equal(d.Index < statement ? 2 : 3, d.Columns));
        Assert.Contains(described, d => d.Index > statement);
        Assert.Equal("id:23,note:25,size:23", writer.SchemaShapes["public.items"]);
        Assert.Equal(atEnd.Where(h => h.Key.StartsWith("r public.items", StringComparison.Ordinal)),
            (await DatabaseComparison.ContentHashesAsync(_target)).Where(h => h.Key.StartsWith("r public.items", StringComparison.Ordinal)));
    }
}
