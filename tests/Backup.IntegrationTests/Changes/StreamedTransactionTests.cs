using Backup.Core.Changes;
using Backup.Core.Postgres;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// Transactions bigger than the server's logical_decoding_work_mem arrive streamed while they
/// run (pgoutput protocol v2): spooled, then written whole at their commit — without the changes
/// of rolled-back savepoints, and not at all when they roll back.
/// </summary>
public sealed class StreamedTransactionTests : IAsyncLifetime
{
    private readonly string _database = "it_stream_" + Guid.NewGuid().ToString("N")[..8];
    private ChangeCapture _capture = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE items (id int PRIMARY KEY, note text)");
        // The walsender of this connection streams any transaction past 64 kB of changes.
        var connection = PostgresConnectionInfo.Parse(TestServer.ConnectionString(_database) + ";Options=-c logical_decoding_work_mem=64kB");
        _capture = new ChangeCapture(connection, "it_slot_" + _database[^8..], "it_pub");
        await _capture.EnsurePublicationAsync(captureSchemaChanges: false, CancellationToken.None);
        await using var snapshot = await _capture.CreateSlotAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _capture.DropSlotAsync(CancellationToken.None);
        await TestServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task LargeTransactions_AreStreamed_AndArriveWholeWithoutRolledBackWork()
    {
        await TestServer.ExecuteAsync(_database, """
            BEGIN;
            INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g;
            SAVEPOINT s;
            INSERT INTO items SELECT g, 'rolled back' FROM generate_series(20001, 40000) g;
            ROLLBACK TO SAVEPOINT s;
            INSERT INTO items VALUES (50000, 'after the savepoint');
            COMMIT;
            """);
        await TestServer.ExecuteAsync(_database, "BEGIN; INSERT INTO items SELECT g, 'aborted' FROM generate_series(60001, 90000) g; ROLLBACK");
        await TestServer.ExecuteAsync(_database, "INSERT INTO items VALUES (1000000, 'small')");

        var segment = new MemoryStream();
        var writer = new ChangeSegmentWriter(segment);
        var result = await _capture.DrainAsync(writer, null, "test", captureSchemaChanges: false, CancellationToken.None);
        await writer.CompleteAsync(result.EndLsn);
        segment.Position = 0;
        var items = await new ChangeSegmentReader(segment).ReadAllAsync().ToListAsync();

        var inserted = items.OfType<ChangeItem>().Select(c => Assert.IsType<InsertChange>(c.Change)).ToList();
        Assert.True(result.StreamedTransactions >= 1, "the big transaction should have been streamed");
        Assert.Equal(2, result.Transactions);
        Assert.Equal(20002, inserted.Count);
        Assert.DoesNotContain(inserted, i => i.NewRow[1].Text is "rolled back" or "aborted");
        Assert.Equal(["50000", "1000000"], inserted.TakeLast(2).Select(i => i.NewRow[0].Text));
        Assert.Equal(Enumerable.Range(1, 20000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), inserted.Take(20000).Select(i => i.NewRow[0].Text));
    }
}
