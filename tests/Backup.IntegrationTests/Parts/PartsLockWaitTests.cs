using System.Diagnostics;
using System.Runtime.Versioning;
using Backup.Core.Abstractions;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Parts;

/// <summary>
/// A backup in parts holds its tables' locks from its snapshot's session while pg_dump and the
/// copies take theirs. An ALTER that queues in between would make their requests wait behind it,
/// and it waits behind the session: a wait no deadlock check sees. The backup must fail after its
/// short lock wait instead of hanging, and let the ALTER through.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PartsLockWaitTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = $"it_parts_lock_{Guid.NewGuid():N}"[..28];
    private readonly TempDirectory _store = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY, label text); INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g;");
    }

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(_database);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task AlterQueuedBehindTheBackupsLocks_BackupFailsNamingTheLockAndTheAlterGoesThrough()
    {
        // pg_dump starts 4 s late: time for the ALTER to queue behind the session's locks before pg_dump asks for its own.
        var real = TestServer.ToolsDirectory;
        using var tools = await FakeTools.CreateAsync(name => $"[ \"$1\" = --version ] || sleep 4\nexec '{real}/{name}' \"$@\"\n");
        var connection = TestServer.ConnectionString(_database);
        using var provider = Services.Build(connection, _store.Path, null, b => b.UsePostgres(connection, o =>
        {
            o.ToolsDirectory = tools.Path;
            o.Jobs = 2;
            o.PartSizeMegabytes = 1;
        }));
        var service = provider.Service();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew();

        var backup = service.CreateFullBackupAsync(cancellationToken: limit.Token);
        while (await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'Backup.Core backup' AND l.relation = 't'::regclass") == 0)
        {
            Assert.False(backup.IsCompleted, "the backup ended before it locked the table");
            await Task.Delay(50);
        }
        var alter = TestServer.ExecuteAsync(_database, "ALTER TABLE t ADD COLUMN added int");

        var error = await Assert.ThrowsAnyAsync<BackupException>(() => backup);
        Assert.Contains("lock", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        await alter.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'added'"));
        Assert.Empty(Directory.Exists(Path.Combine(_store.Path, "database")) ? Directory.GetFiles(Path.Combine(_store.Path, "database"), "*.part-*") : []);
    }
}
