using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.IntegrationTests.Parts;

/// <summary>
/// A copy connection killed mid-COPY (pg_terminate_backend, as an administrator or a failover
/// would) fails the backup or restore cleanly: a BackupException naming the table, nothing listed
/// as complete, no part, lock, slot or half-restored database left behind.
/// </summary>
public sealed class KilledCopyTests(BigTableFixture source) : IClassFixture<BigTableFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    /// <summary>
    /// Waits until a session of <paramref name="applicationName"/> on <paramref name="database"/> runs a
    /// COPY, then terminates it (only there: other tests' backups and restores run alongside).
    /// </summary>
    private static async Task<int> KillCopyAsync(string applicationName, string database, Task running)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            var pid = await TestServer.ScalarAsync<object>("postgres",
                $"SELECT coalesce(min(pid), 0) FROM pg_stat_activity WHERE application_name = '{applicationName}' AND datname = '{database}' AND state = 'active' AND query ILIKE 'COPY%'");
            if (pid is int found && found != 0)
            {
                Assert.True(await TestServer.ScalarAsync<bool>("postgres", $"SELECT pg_terminate_backend({found})"));
                return found;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"No active COPY of '{applicationName}' seen before the operation ended");
        return 0;
    }

    [Fact]
    public async Task CopyConnectionKilled_BackupFailsCleanly_NoPartLockOrSlotLeft()
    {
        using var provider = PartsTestSupport.Build(source.Database, _store.Path, _key, jobs: 2, partMegabytes: 16, changeCapture: true);
        var service = provider.Service();

        var backup = service.CreateFullBackupAsync();
        await KillCopyAsync("Backup.Core backup copy", source.Database, backup);
        var error = await Assert.ThrowsAnyAsync<BackupException>(() => backup);

        Assert.IsNotType<Npgsql.NpgsqlException>(error, exactMatch: false);
        Assert.Contains("public.big", error.Message, StringComparison.Ordinal);
        // Only the failure's record is kept: no data, nothing restorable.
        var listed = Assert.Single(await service.ListBackupsAsync());
        Assert.Equal((BackupStatus.Failed, 0), (listed.Status, listed.Parts.Count));
        Assert.Contains("public.big", listed.Error, StringComparison.Ordinal);
        var files = Directory.EnumerateFiles(_store.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_store.Path, f)).ToList();
        Assert.DoesNotContain(files, f => f.Contains(".part-", StringComparison.Ordinal) || f.Contains(".dump", StringComparison.Ordinal));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>("postgres",
            $"SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = '{source.Database}'"));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_replication_slots WHERE database = '{source.Database}'"));
    }

    [Fact]
    public async Task LoadConnectionKilled_RestoreFailsCleanly_NoDatabaseLeft()
    {
        using var provider = PartsTestSupport.Build(source.Database, _store.Path, _key, jobs: 2, partMegabytes: 16);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        Assert.True(PartsTestSupport.PartsOf(manifest, "public.big", atLeast: 4).Count >= 4);
        var target = "it_parts_killed_restore_" + Guid.NewGuid().ToString("N")[..6];

        var restore = service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target });
        await KillCopyAsync("Backup.Core restore load", target, restore);
        var error = await Assert.ThrowsAnyAsync<BackupException>(() => restore);

        Assert.Contains("public.big", error.Message, StringComparison.Ordinal);
        Assert.False(await TestServer.DatabaseExistsAsync(target));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>("postgres",
            $"SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = '{source.Database}'"));
    }
}
