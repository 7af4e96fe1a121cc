using Backup.Core.Changes;
using Backup.Core.Postgres;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Changes;

/// <summary>Change capture from a real logical replication slot into a segment, and back out of it.</summary>
public sealed class ChangeCaptureTests : IAsyncLifetime
{
    private readonly string _database = "it_capture_" + Guid.NewGuid().ToString("N")[..8];
    private ChangeCapture _capture = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE items (id int PRIMARY KEY, name text, doc text, qty int);
            CREATE TABLE scratch (id int PRIMARY KEY);
            CREATE SEQUENCE lonely START 10;
            INSERT INTO scratch VALUES (1), (2);
            """);
        _capture = new ChangeCapture(PostgresConnectionInfo.Parse(TestServer.ConnectionString(_database)), "it_slot_" + _database[^8..], "it_pub");
        await _capture.EnsurePublicationAsync(captureSchemaChanges: false, CancellationToken.None);
        await using var snapshot = await _capture.CreateSlotAsync(CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(snapshot.SnapshotName));
    }

    public async Task DisposeAsync()
    {
        await _capture.DropSlotAsync(CancellationToken.None);
        await TestServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task Drain_EveryKindOfChange_IsCapturedExactlyInCommitOrder()
    {
        var bigDocument = string.Concat(Enumerable.Range(0, 4000).Select(i => Guid.NewGuid().ToString("N")));
        // One statement per call: a multi-statement call would run as one implicit transaction.
        foreach (var statement in new[]
        {
            $"INSERT INTO items VALUES (1, 'one', '{bigDocument}', 1), (2, '', NULL, NULL)",
            "BEGIN; INSERT INTO items VALUES (99, 'rolled back', NULL, 0); ROLLBACK",
            "UPDATE items SET qty = 5 WHERE id = 1",
            "UPDATE items SET id = 3 WHERE id = 2",
            "DELETE FROM items WHERE id = 3",
            "TRUNCATE scratch",
            "SELECT nextval('lonely'), nextval('lonely')",
        })
        {
            await TestServer.ExecuteAsync(_database, statement);
        }

        var (items, result) = await DrainAsync();

        var changes = items.OfType<ChangeItem>().Select(c => c.Change).ToList();
        Assert.Equal(6, changes.Count);
        var insert = Assert.IsType<InsertChange>(changes[0]);
        Assert.Equal([ColumnValue.Of("2"), ColumnValue.Of(""), ColumnValue.Null, ColumnValue.Null], Assert.IsType<InsertChange>(changes[1]).NewRow);
        Assert.Equal(5, items.OfType<BeginItem>().Count()); // insert, update, key update, delete, truncate: the rollback left nothing
        Assert.Equal([ColumnValue.Of("1"), ColumnValue.Of("one"), ColumnValue.Of(bigDocument), ColumnValue.Of("1")], insert.NewRow);
        var toastUpdate = Assert.IsType<UpdateChange>(changes[2]);
        Assert.Null(toastUpdate.OldKey);
        Assert.Equal(ColumnValue.UnchangedToast, toastUpdate.NewRow[2]);
        Assert.Equal(ColumnValue.Of("5"), toastUpdate.NewRow[3]);
        var keyUpdate = Assert.IsType<UpdateChange>(changes[3]);
        Assert.Equal(ColumnValue.Of("2"), keyUpdate.OldKey![0]);
        Assert.Equal([ColumnValue.Of("3"), ColumnValue.Of(""), ColumnValue.Null, ColumnValue.Null], keyUpdate.NewRow);
        Assert.Equal(ColumnValue.Of("3"), Assert.IsType<DeleteChange>(changes[4]).OldKey[0]);
        Assert.IsType<TruncateChange>(changes[5]);
        Assert.DoesNotContain(changes, c => c is InsertChange i && i.NewRow[0] == ColumnValue.Of("99"));
        Assert.Contains(items.OfType<SequenceItem>(), s => s is { Name: "lonely", LastValue: 11, IsCalled: true });
        Assert.Equal(5, result.Transactions);
        var described = items.OfType<RelationItem>().First(r => r.Relation.Name == "items").Relation;
        Assert.Equal(["integer", "text", "text", "integer"], described.Columns.Select(c => c.TypeName));
        Assert.Equal([true, false, false, false], described.Columns.Select(c => c.IsKey));
        Assert.True(result.FirstCommit <= result.LastCommit);
    }

    [Fact]
    public async Task Drain_NotAcknowledged_CapturesTheSameChangesAgain_AcknowledgedNothingTwice()
    {
        await TestServer.ExecuteAsync(_database, "INSERT INTO items SELECT g, 'bulk', NULL, g FROM generate_series(1, 200000) g");

        var (first, firstResult) = await DrainAsync();
        var (again, _) = await DrainAsync();
        await _capture.AcknowledgeAsync(firstResult.EndLsn, CancellationToken.None);
        var (afterAck, afterAckResult) = await DrainAsync();

        Assert.Equal(200_000, first.OfType<ChangeItem>().Count());
        Assert.Equal(first.OfType<ChangeItem>(), again.OfType<ChangeItem>());
        Assert.Empty(afterAck.OfType<ChangeItem>());
        Assert.Equal(0, afterAckResult.Transactions);
    }

    private async Task<(List<SegmentItem> Items, CaptureResult Result)> DrainAsync()
    {
        var segment = new MemoryStream();
        var writer = new ChangeSegmentWriter(segment);
        var result = await _capture.DrainAsync(writer, null, "test", captureSchemaChanges: false, CancellationToken.None);
        await writer.CompleteAsync(result.EndLsn);
        segment.Position = 0;
        return (await new ChangeSegmentReader(segment).ReadAllAsync().ToListAsync(), result);
    }
}
