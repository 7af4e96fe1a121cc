using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Changes;

/// <summary>Timestamp-mode incrementals (change capture off): rows newer than the previous backup, upserted on recovery.</summary>
public sealed class TimestampModeTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ts_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    // One key for every service of a test: manifest details are sealed with it, as in production.
    private readonly string _key = Services.NewKey();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE items (id int PRIMARY KEY, name text, price numeric, updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE tags (id int PRIMARY KEY, label text);
            CREATE TABLE notes (body text, updated_at timestamptz DEFAULT now());
            INSERT INTO items (id, name, price) SELECT g, 'item ' || g, g * 1.5 FROM generate_series(1, 100) g;
            INSERT INTO tags VALUES (1, 'a');
            """);
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _recovered.Append(_database))
        {
            await TestServer.DropDatabaseAsync(database);
        }
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Incrementals_CaptureChangedRows_RecoveryUpsertsThem_DeletesAreNotCapturedAndSaidSo()
    {
        using var provider = Build(changeCapture: false);
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, """
            UPDATE items SET name = 'renamed', price = NULL, updated_at = now() WHERE id IN (1, 2);
            INSERT INTO items (id, name, price) VALUES (101, 'new', 0), (102, '', 7.25);
            DELETE FROM items WHERE id = 3;
            """);
        var first = await service.CreateIncrementalBackupAsync();
        var empty = await service.CreateIncrementalBackupAsync();
        var between = await ServerClockAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE items SET price = 99, updated_at = now() WHERE id = 101");
        var expected = await ItemsAsync(_database);
        var third = await service.CreateIncrementalBackupAsync();

        Assert.Equal((full.Id, full.Id), (first.ParentId, first.ChainId));
        Assert.Equal("timestamp", first.Properties["mode"]);
        Assert.StartsWith("not captured", first.Properties["deletes"], StringComparison.Ordinal);
        Assert.Equal("public.notes,public.tags", first.Properties["notCovered"]);
        Assert.Equal((1L, 4L), (first.TransactionCount, first.ChangeCount));
        Assert.Equal(0L, empty.ChangeCount);
        Assert.Equal(1L, third.ChangeCount);

        var latest = await service.RestoreLatestAsync();
        _recovered.Add(latest.TargetDatabase);
        var recovered = await ItemsAsync(latest.TargetDatabase);
        // Row 3 was deleted at the source; timestamp mode cannot see that, so it is still there.
        Assert.Equal(expected, recovered.Where(r => !r.StartsWith("3|", StringComparison.Ordinal)).ToList());
        Assert.Contains(recovered, r => r.StartsWith("3|", StringComparison.Ordinal));

        var pitr = await service.PointInTimeRecoveryAsync(between);
        _recovered.Add(pitr.TargetDatabase);
        Assert.Equal(empty.SnapshotAt, pitr.Reached);
        Assert.Equal("101|new|0", (await ItemsAsync(pitr.TargetDatabase)).Single(r => r.StartsWith("101|", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Incremental_TablesThatCannotBeCovered_AreRefusedByName_ModeOptionsAreChecked()
    {
        using var provider = Build(changeCapture: false);
        var service = provider.Service();
        await service.CreateFullBackupAsync();

        var noColumn = await Assert.ThrowsAsync<BackupException>(() => service.CreateIncrementalBackupAsync(new IncrementalBackupOptions { Tables = ["public.tags"] }));
        var noKey = await Assert.ThrowsAsync<BackupException>(() => service.CreateIncrementalBackupAsync(new IncrementalBackupOptions { Tables = ["notes"] }));
        var missing = await Assert.ThrowsAsync<BackupException>(() => service.CreateIncrementalBackupAsync(new IncrementalBackupOptions { Tables = ["public.nope"] }));
        var chosen = await service.CreateIncrementalBackupAsync(new IncrementalBackupOptions { Tables = ["items"], Since = DateTimeOffset.UtcNow.AddDays(-1) });

        Assert.Contains("public.tags has no column 'updated_at'", noColumn.Message, StringComparison.Ordinal);
        Assert.Contains("public.notes has no primary key", noKey.Message, StringComparison.Ordinal);
        Assert.Contains("public.nope does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Equal(100L, chosen.ChangeCount);

        // Since and Tables mean nothing to a change-capture chain, which always continues where it ended.
        await TestServer.ExecuteAsync(_database, "ALTER TABLE notes REPLICA IDENTITY FULL");
        using var capturing = Build(changeCapture: true);
        var error = await Assert.ThrowsAsync<BackupException>(() => capturing.Service().CreateIncrementalBackupAsync());
        Assert.Contains("without change capture", error.Message, StringComparison.Ordinal);
        await capturing.Service().CreateFullBackupAsync();
        var since = await Assert.ThrowsAsync<ArgumentException>(() => capturing.Service().CreateIncrementalBackupAsync(new IncrementalBackupOptions { Since = DateTimeOffset.UtcNow }));
        Assert.StartsWith("Since applies to timestamp-mode", since.Message, StringComparison.Ordinal);
        await TestServer.ExecuteAsync("postgres", $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '{_database}'");
    }

    [Fact]
    public async Task Incremental_OfAnEmptyTableList_IsRefused_NothingCompletes()
    {
        using var provider = Build(changeCapture: false);
        var service = provider.Service();
        await service.CreateFullBackupAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => service.CreateIncrementalBackupAsync(new IncrementalBackupOptions { Tables = [] }));

        Assert.StartsWith("Tables is empty", error.Message, StringComparison.Ordinal);
        Assert.Empty(await service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed, Type = BackupType.Incremental }));
    }

    [Fact]
    public async Task Incremental_WhileAnotherBackupHoldsTheDatabase_IsRefusedOrWaits()
    {
        using var provider = Build(changeCapture: false);
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await using var other = await TestServer.HoldBackupLockAsync(_database);

        await Assert.ThrowsAsync<BackupInProgressException>(() => service.CreateIncrementalBackupAsync());
        var waiting = service.CreateIncrementalBackupAsync(new IncrementalBackupOptions { WaitIfBusy = true });
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await using (var release = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock_all()", other))
        {
            await release.ExecuteNonQueryAsync();
        }
        var made = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(BackupStatus.Completed, made.Status);
        Assert.Empty(await service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Failed }));
    }

    private Microsoft.Extensions.DependencyInjection.ServiceProvider Build(bool changeCapture) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, _key,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o =>
            {
                o.ToolsDirectory = TestServer.ToolsDirectory;
                o.ChangeCapture = changeCapture;
                o.TimestampOverlap = TimeSpan.Zero;
            }));

    private static async Task<List<string>> ItemsAsync(string database) =>
        [.. (await TestServer.ScalarAsync<string>(database, "SELECT string_agg(concat_ws('|', id, name, coalesce(price::text, 'NULL')), E'\\n' ORDER BY id) FROM items")).Split('\n')];

    private async Task<DateTimeOffset> ServerClockAsync() =>
        new(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()"), DateTimeKind.Utc));
}
