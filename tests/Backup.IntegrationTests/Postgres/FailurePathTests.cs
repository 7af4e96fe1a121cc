using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Postgres;

/// <summary>Every way a backup or restore can go wrong: a clear error, and nothing restorable left behind.</summary>
public sealed class FailurePathTests(SmallDatabaseFixture source) : IClassFixture<SmallDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Backup_WrongPassword_SaysLoginRefusedWithoutThePasswordAndStoresNoData()
    {
        var connection = TestServer.ConnectionString(source.Database).Replace(TestServer.Password, "not-the-password-xyz", StringComparison.Ordinal);
        using var provider = Services.Build(connection, _store.Path, _key);

        var error = await Assert.ThrowsAsync<BackupDatabaseException>(() => provider.Service().CreateFullBackupAsync());

        Assert.Contains("refused the login", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-xyz", error.ToString(), StringComparison.Ordinal);
        await AssertNothingRestorableAsync(provider.Service());
    }

    [Fact]
    public async Task Backup_UnreachableHost_IsATransientErrorNamingHostAndPort()
    {
        using var provider = Services.Build($"Host=127.0.0.1;Port=9;Username=postgres;Password=x;Database={source.Database};Timeout=3", _store.Path, _key);

        var error = await Assert.ThrowsAsync<BackupDatabaseException>(() => provider.Service().CreateFullBackupAsync());

        Assert.True(error.IsTransient);
        Assert.Contains("127.0.0.1:9", error.Message, StringComparison.Ordinal);
        await AssertNothingRestorableAsync(provider.Service());
    }

    [Fact]
    public async Task Backup_MissingDatabase_SaysItDoesNotExist()
    {
        using var provider = Services.Build(TestServer.ConnectionString("no_such_database_here"), _store.Path, _key);

        var error = await Assert.ThrowsAsync<BackupDatabaseException>(() => provider.Service().CreateFullBackupAsync());

        Assert.Contains("'no_such_database_here' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_NoPgDump_SaysWhereItLookedAndWhatToInstall()
    {
        using var empty = new TempDirectory();
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key, b => b.UsePostgres(TestServer.ConnectionString(source.Database), o => o.ToolsDirectory = empty.Path));

        var error = await Assert.ThrowsAsync<BackupDatabaseException>(() => provider.Service().CreateFullBackupAsync());

        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Contains(empty.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("postgresql-client-15", error.Message, StringComparison.Ordinal);
        await AssertNothingRestorableAsync(provider.Service());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Backup_PgDumpOlderThanServer_RefusesAndSaysWhichVersionIsNeeded()
    {
        // A stand-in for an old client: it only answers --version.
        using var tools = await FakeTools.CreateAsync(name => $"echo '{name} (PostgreSQL) 14.11'\n");
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key, b => b.UsePostgres(TestServer.ConnectionString(source.Database), o => o.ToolsDirectory = tools.Path));

        var error = await Assert.ThrowsAsync<BackupDatabaseException>(() => provider.Service().CreateFullBackupAsync());

        Assert.Contains("pg_dump 14.11", error.Message, StringComparison.Ordinal);
        Assert.Contains("older than the server (PostgreSQL 15)", error.Message, StringComparison.Ordinal);
        await AssertNothingRestorableAsync(provider.Service());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Backup_ToolFails_ErrorHasItsExitCodeAndStderrWithThePasswordRemoved()
    {
        // Answers --version like the real tool, then fails the way a tool that leaks its environment would.
        using var tools = await FakeTools.CreateAsync(name =>
            $"[ \"$1\" = --version ] && echo '{name} (PostgreSQL) 15.18' && exit 0\necho \"{name}: error: connection failed for password $PGPASSWORD\" >&2\nexit 3\n");
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key, b => b.UsePostgres(TestServer.ConnectionString(source.Database), o => o.ToolsDirectory = tools.Path));

        var error = await Assert.ThrowsAsync<BackupDatabaseException>(() => provider.Service().CreateFullBackupAsync());

        Assert.Contains("pg_dump failed with exit code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection failed for password ***", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestServer.Password, error.ToString(), StringComparison.Ordinal);
        await AssertNothingRestorableAsync(provider.Service());
    }

    [Fact]
    public async Task Restore_CorruptedStoredObject_FailsWithIntegrityErrorAndLeavesNoDatabase()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var path = Path.Combine(_store.Path, manifest.Content!.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);
        var target = "it_corrupt_" + Guid.NewGuid().ToString("N")[..8];

        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target }));
        var verify = await service.VerifyBackupAsync(manifest.Id);

        Assert.False(await TestServer.DatabaseExistsAsync(target));
        Assert.False(verify.IsValid);
        Assert.Contains("not intact", verify.Checks[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WrongKey_NamesTheKeyNeededAndCreatesNothing()
    {
        string id;
        using (var writer = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key, b => b.UseAesGcmEncryption(o => { o.Key = _key; o.KeyId = "prod-2026"; })))
        {
            id = (await writer.Service().CreateFullBackupAsync()).Id;
        }
        using var reader = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, Services.NewKey(), b => b.UseAesGcmEncryption(o => o.KeyId = "prod-2026"));
        var target = "it_wrongkey_" + Guid.NewGuid().ToString("N")[..8];

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => reader.Service().RestoreFromBackupAsync(id, new RestoreOptions { TargetDatabase = target }));

        Assert.Equal("prod-2026", error.KeyId);
        Assert.False(await TestServer.DatabaseExistsAsync(target));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..%2Fx")]
    [InlineData("20261130T021500123Z-1a2b3c4d/../../etc")]
    [InlineData("")]
    [InlineData("20261130T021500123Z-1A2B3C4D")]
    public async Task EveryOperation_MalformedId_IsRefusedBeforeTouchingTheStore(string id)
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();

        await Assert.ThrowsAsync<InvalidBackupIdException>(() => service.GetBackupAsync(id));
        await Assert.ThrowsAsync<InvalidBackupIdException>(() => service.RestoreFromBackupAsync(id));
        await Assert.ThrowsAsync<InvalidBackupIdException>(() => service.VerifyBackupAsync(id));
        await Assert.ThrowsAsync<InvalidBackupIdException>(() => service.DeleteBackupAsync(id));
        await Assert.ThrowsAsync<InvalidBackupIdException>(() => service.OpenBackupContentAsync(id));
    }

    [Fact]
    public async Task EveryOperation_UnknownId_IsNotFound()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        const string id = "20200101T000000000Z-00000000";

        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() => service.GetBackupAsync(id));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => service.RestoreFromBackupAsync(id));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => service.DeleteBackupAsync(id));

        Assert.Contains(id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_PastTheSizeLimit_StopsSaysTheLimitAndLeavesNoData()
    {
        await TestServer.ExecuteAsync(source.Database, "CREATE TABLE IF NOT EXISTS public.noise AS SELECT g, md5(g::text) || md5((g * 7)::text) AS junk FROM generate_series(1, 200000) g");
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key, b => b.Configure(o => o.MaxBackupSizeMb = 1));
        var service = provider.Service();

        var error = await Assert.ThrowsAsync<BackupSizeLimitExceededException>(() => service.CreateFullBackupAsync());

        Assert.Equal(1 << 20, error.LimitBytes);
        Assert.Contains("MAX_BACKUP_SIZE_MB", error.Message, StringComparison.Ordinal);
        await AssertNothingRestorableAsync(service);
        Assert.Equal(BackupStatus.Failed, Assert.Single(await service.ListBackupsAsync()).Status);
    }

    [Fact]
    public async Task Backup_DiskFills_SaysNoSpaceLeftAndLeavesNoPartialFile()
    {
        await TestServer.ExecuteAsync(source.Database, "CREATE TABLE IF NOT EXISTS public.noise AS SELECT g, md5(g::text) || md5((g * 7)::text) AS junk FROM generate_series(1, 200000) g");
        using var disk = new TinyDisk("1m");
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), disk.Path, _key);

        var error = await Assert.ThrowsAsync<BackupStorageException>(() => provider.Service().CreateFullBackupAsync());

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        // Only the small failure record fits once the partial object is gone: no data, no staging file.
        var files = Directory.EnumerateFiles(disk.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(disk.Path, f)).ToList();
        Assert.All(files, f => Assert.StartsWith("metadata/", f, StringComparison.Ordinal));
        Assert.Equal(BackupStatus.Failed, Assert.Single(await provider.Service().ListBackupsAsync()).Status);
    }

    [Fact]
    public async Task Backup_CancelledHalfWay_IsNotCompletedAndCleanupRemovesLeftovers()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Phase == "dumping") { cancel.Cancel(); } });
        await TestServer.ExecuteAsync(source.Database, "CREATE TABLE IF NOT EXISTS public.filler AS SELECT g, repeat(md5(g::text), 8) AS junk FROM generate_series(1, 100000) g");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.CreateFullBackupAsync(progress: progress, cancellationToken: cancel.Token));
        // What a crash between upload and manifest would leave: a data object no manifest claims.
        var orphan = Path.Combine(_store.Path, "database", "20200101T000000000Z-0000abcd.dump.zst.enc");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllBytesAsync(orphan, [1, 2, 3]);
        var removed = await service.CleanupIncompleteBackupsAsync(TimeSpan.Zero);

        Assert.Equal(["database/20200101T000000000Z-0000abcd.dump.zst.enc"], removed);
        await AssertNothingRestorableAsync(service);
        Assert.Equal("cancelled", Assert.Single(await service.ListBackupsAsync()).Error);
    }

    [Fact]
    public async Task Backup_AnotherBackupOfTheSameDatabaseRunning_FailsFastWithInProgress()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        // Hold the engine's advisory lock from another session, as a backup in another replica would.
        await using var other = await TestServer.HoldBackupLockAsync(source.Database);

        var error = await Assert.ThrowsAsync<BackupInProgressException>(() => service.CreateFullBackupAsync());
        var waiting = service.CreateFullBackupAsync(new FullBackupOptions { WaitIfBusy = true });
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await other.CloseAsync();
        var manifest = await waiting;

        Assert.Contains("in progress", error.Message, StringComparison.Ordinal);
        Assert.Equal(BackupStatus.Completed, manifest.Status);
        Assert.Equal([manifest.Id], (await service.ListBackupsAsync()).Select(b => b.Id)); // the refused one left no record
    }

    [Fact]
    public async Task Restore_ExistingTarget_RefusedUnlessDropExisting_AndDryRunTouchesNothing()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = "it_existing_" + Guid.NewGuid().ToString("N")[..8];
        await TestServer.CreateDatabaseAsync(target);
        await TestServer.ExecuteAsync(target, "CREATE TABLE marker (x int)");
        try
        {
            var dryRun = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, DropExisting = true, DryRun = true });
            Assert.True(dryRun.DryRun);
            Assert.True(dryRun.TargetExisted);
            Assert.Contains(dryRun.Plan, step => step.Contains("drop the existing database", StringComparison.Ordinal));
            Assert.Equal(1L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'"));

            var refused = await Assert.ThrowsAsync<BackupException>(() => service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target }));
            Assert.Contains("already exists", refused.Message, StringComparison.Ordinal);

            var replaced = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, DropExisting = true, TerminateConnections = true });
            Assert.Empty(replaced.RowCountMismatches);
            Assert.Equal(0L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    private static async Task AssertNothingRestorableAsync(BackupService service)
    {
        var backups = await service.ListBackupsAsync();
        Assert.DoesNotContain(backups, b => b.Status == BackupStatus.Completed);
        var dataObjects = await service.Catalog.Storage.ListAsync("database/").CountAsync();
        Assert.Equal(0, dataObjects);
    }

    private sealed class SynchronousProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
