using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Postgres;
using Backup.Core.Replay;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// The heart of point-in-time recovery, at engine level: a full dump on the slot's snapshot plus
/// the captured changes, replayed up to a moment, reproduce exactly the database at that moment.
/// </summary>
public sealed class ReplayTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_replay_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _files = new();
    private readonly List<string> _targets = [];
    private ChangeCapture _capture = null!;
    private PostgresBackupEngine _engine = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, """
            CREATE TYPE mood AS ENUM ('calm', 'busy');
            CREATE TABLE accounts (aid int PRIMARY KEY, abalance int NOT NULL, filler text);
            CREATE TABLE history (hid bigserial PRIMARY KEY, aid int NOT NULL, delta int NOT NULL, mtime timestamptz NOT NULL DEFAULT now());
            CREATE TABLE docs (id int PRIMARY KEY, body text, meta jsonb, tags text[], amount numeric, blob bytea, at timestamptz, state mood);
            CREATE TABLE logs (id int, note text);
            ALTER TABLE logs REPLICA IDENTITY FULL;
            INSERT INTO accounts SELECT g, 0, repeat('x', 80) FROM generate_series(1, 1000) g;
            INSERT INTO docs VALUES (1, repeat(md5('a'), 3000), '{"k": [1, 2.50]}', '{a,"b c",NULL}', 1.10, '\x00ff', '2026-01-01 00:00:00.123456+00', 'calm');
            INSERT INTO logs VALUES (1, 'dup'), (1, 'dup'), (2, 'other');
            CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE NOT NULL);
            CREATE TABLE audit (id bigserial PRIMARY KEY, note text);
            CREATE FUNCTION audit_people() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES (TG_OP || ' ' || NEW.id); RETURN NEW; END $$;
            CREATE TRIGGER people_audit AFTER INSERT OR UPDATE ON people FOR EACH ROW EXECUTE FUNCTION audit_people();
            INSERT INTO people VALUES (1, 'x@example.com'), (2, 'y@example.com');
            """);
        var connection = PostgresConnectionInfo.Parse(TestServer.ConnectionString(_database));
        _capture = new ChangeCapture(connection, "it_slot_" + _database[^8..], "it_pub");
        _engine = new PostgresBackupEngine(connection, new PostgresOptions { ToolsDirectory = TestServer.ToolsDirectory }, NullLogger<PostgresBackupEngine>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _capture.DropSlotAsync(CancellationToken.None);
        foreach (var target in _targets.Append(_database))
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task DumpOnSlotSnapshotPlusReplay_UpToAnyRecordedMoment_ReproducesThatMomentExactly()
    {
        await _capture.EnsurePublicationAsync(captureSchemaChanges: false, CancellationToken.None);
        var dump = Path.Combine(_files.Path, "full.dump");
        await using (var snapshot = await _capture.CreateSlotAsync(CancellationToken.None))
        {
            // Changes committed now are after the snapshot: the dump must not see them, the slot must.
            await TestServer.ExecuteAsync(_database, "UPDATE accounts SET abalance = abalance + 7 WHERE aid = 1");
            await TestServer.ExecuteAsync(_database, "INSERT INTO history (aid, delta) VALUES (1, 7)");
            await using var file = File.Create(dump);
            await _engine.BackupAsync(new EngineBackupRequest { SnapshotName = snapshot.SnapshotName }, file);
        }

        var random = new Random(5);
        for (var i = 0; i < 150; i++)
        {
            await TransferAsync(random);
        }
        await TestServer.ExecuteAsync(_database, "UPDATE docs SET amount = 2.20 WHERE id = 1"); // body stays TOASTed and unchanged
        await TestServer.ExecuteAsync(_database, "UPDATE docs SET id = 5, state = 'busy' WHERE id = 1");
        await TestServer.ExecuteAsync(_database, "UPDATE logs SET note = 'changed' WHERE ctid = (SELECT ctid FROM logs WHERE id = 1 LIMIT 1)");
        await TestServer.ExecuteAsync(_database, "DELETE FROM logs WHERE id = 2");
        var moment = await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()");
        var atMoment = await DatabaseComparison.ContentHashesAsync(_database);
        await Task.Delay(20);

        for (var i = 0; i < 100; i++)
        {
            await TransferAsync(random);
        }
        await TestServer.ExecuteAsync(_database, "TRUNCATE logs");
        await TestServer.ExecuteAsync(_database, "INSERT INTO history (aid, delta) SELECT 1 + g % 1000, 0 FROM generate_series(1, 200000) g"); // one transaction of 200k rows
        await TestServer.ExecuteAsync(_database, "DELETE FROM docs");
        await TestServer.ScalarAsync<long>(_database, "SELECT nextval('history_hid_seq')"); // a sequence moved with no row change
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);

        var segment = Path.Combine(_files.Path, "changes.seg");
        await using (var file = File.Create(segment))
        {
            var writer = new ChangeSegmentWriter(file);
            var captured = await _capture.DrainAsync(writer, null, "test", captureSchemaChanges: false, CancellationToken.None);
            await writer.CompleteAsync(captured.EndLsn);
        }

        var pointInTime = await RestoreAndReplayAsync(dump, segment, new DateTimeOffset(DateTime.SpecifyKind(moment, DateTimeKind.Utc)));
        var latest = await RestoreAndReplayAsync(dump, segment, until: null);

        var tablesAtMoment = await DatabaseComparison.ContentHashesAsync(pointInTime);
        // Sequences are captured once per segment, so a point inside it gets their later (safe, higher) values.
        Assert.Equal(atMoment.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal)), tablesAtMoment.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal)));
        Assert.Equal(atEnd, await DatabaseComparison.ContentHashesAsync(latest));
        foreach (var database in new[] { pointInTime, latest })
        {
            Assert.Equal(0L, await TestServer.ScalarAsync<long>(database, "SELECT (SELECT sum(abalance) FROM accounts) - (SELECT sum(delta) FROM history)"));
        }
    }

    [Fact]
    public async Task NetEffectThatTripsAUniqueConstraint_IsReplayedInSourceOrder_AndTriggersDoNotFireTwice()
    {
        var dump = await DumpOnNewSlotAsync();
        // Swapping two unique values needs a detour on the source; the net effect (1 -> y, 2 -> x) as
        // one set upsert meets the old value of the other row and fails: replay must fall back.
        await TestServer.ExecuteAsync(_database, """
            BEGIN;
            UPDATE people SET email = 'swap' WHERE id = 1;
            UPDATE people SET email = 'x@example.com' WHERE id = 2;
            UPDATE people SET email = 'y@example.com' WHERE id = 1;
            COMMIT;
            """);
        await TestServer.ExecuteAsync(_database, "INSERT INTO people VALUES (3, 'z@example.com')");
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);
        var segment = await DrainAsync();

        var (target, replayer) = await RestoreAndReplayWithAsync(dump, segment, until: null);

        Assert.Equal(atEnd, await DatabaseComparison.ContentHashesAsync(target));
        Assert.True(replayer.TransactionsByStatement >= 1, "the failed set apply should have been redone statement by statement");
        Assert.Equal(2, replayer.Transactions);
        // The audit rows the source's trigger wrote are in the stream; the target's trigger must not add its own.
        Assert.Equal(6L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM audit"));
        Assert.Equal(6L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM audit"));
    }

    private async Task<string> DumpOnNewSlotAsync()
    {
        await _capture.EnsurePublicationAsync(captureSchemaChanges: false, CancellationToken.None);
        var dump = Path.Combine(_files.Path, "full-" + Guid.NewGuid().ToString("N")[..6] + ".dump");
        await using var snapshot = await _capture.CreateSlotAsync(CancellationToken.None);
        await using var file = File.Create(dump);
        await _engine.BackupAsync(new EngineBackupRequest { SnapshotName = snapshot.SnapshotName }, file);
        return dump;
    }

    private async Task<string> DrainAsync()
    {
        var segment = Path.Combine(_files.Path, "changes-" + Guid.NewGuid().ToString("N")[..6] + ".seg");
        await using var file = File.Create(segment);
        var writer = new ChangeSegmentWriter(file);
        var captured = await _capture.DrainAsync(writer, null, "test", captureSchemaChanges: false, CancellationToken.None);
        await writer.CompleteAsync(captured.EndLsn);
        return segment;
    }

    private async Task TransferAsync(Random random)
    {
        var aid = random.Next(1, 1001);
        var delta = random.Next(-5000, 5000);
        await TestServer.ExecuteAsync(_database, $"BEGIN; UPDATE accounts SET abalance = abalance + {delta} WHERE aid = {aid}; INSERT INTO history (aid, delta) VALUES ({aid}, {delta}); COMMIT");
    }

    private async Task<string> RestoreAndReplayAsync(string dump, string segment, DateTimeOffset? until) =>
        (await RestoreAndReplayWithAsync(dump, segment, until)).Target;

    private async Task<(string Target, ChangeReplayer Replayer)> RestoreAndReplayWithAsync(string dump, string segment, DateTimeOffset? until)
    {
        var target = "it_replayed_" + Guid.NewGuid().ToString("N")[..8];
        _targets.Add(target);
        await using (var file = File.OpenRead(dump))
        {
            await _engine.RestoreAsync(new EngineRestoreRequest { TargetDatabase = target }, file);
        }
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(target));
        await connection.OpenAsync();
        var replayer = new ChangeReplayer(connection);
        await using (var file = File.OpenRead(segment))
        {
            await replayer.ApplyAsync(new ChangeSegmentReader(file), until, CancellationToken.None);
        }
        if (until is null)
        {
            await replayer.SetSequencesAsync(CancellationToken.None);
        }
        return (target, replayer);
    }
}
