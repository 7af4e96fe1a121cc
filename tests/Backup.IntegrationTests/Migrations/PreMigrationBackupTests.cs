using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Migrations;

/// <summary>
/// The pre-migration hook on the real server: the point it records is the one recovery "before
/// migration X" returns to, whether it took an incremental, a full backup or marked continuous capture's chain.
/// </summary>
public sealed class PreMigrationBackupTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_premig_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _spool = new();
    private readonly List<string> _recovered = [];
    private readonly string _key = Services.NewKey();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL); INSERT INTO notes VALUES (1, 'before')");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose()
    {
        _store.Dispose();
        _spool.Dispose();
    }

    [Fact]
    public async Task Hook_InAChangeCaptureChain_TakesAnIncremental_AndRecoveryBeforeTheMigrationLacksLaterRows()
    {
        using var provider = Build(changeCapture: true);
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (2, 'in the chain')");

        var hook = await service.BackupBeforeMigrationAsync("20261203120000_AddTags");
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (3, 'after the hook')");
        var later = await service.CreateIncrementalBackupAsync();
        // The migration itself: today it ends the chain; the hook's point is in the old one.
        await TestServer.ExecuteAsync(_database, "ALTER TABLE notes ADD COLUMN tags text");

        Assert.Equal(PreMigrationBackupKind.Incremental, hook.Kind);
        Assert.Equal((BackupType.Incremental, full.Id), (hook.Backup.Type, hook.Backup.ParentId));
        Assert.Equal("20261203120000_AddTags", hook.Backup.Properties["before-migration"]);
        Assert.Equal("20261203120000_AddTags", (await service.GetBackupAsync(hook.Backup.Id)).Properties["before-migration"]);
        Assert.Equal(hook.Backup.StartedAt, hook.RecoverTo);
        var recovered = await service.RecoverBeforeMigrationAsync("20261203120000_AddTags");
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal(hook.RecoverTo, recovered.Target);
        Assert.Equal([full.Id, hook.Backup.Id, later.Id], recovered.BackupIds);
        Assert.Contains("20261203120000_AddTags", recovered.Plan[0], StringComparison.Ordinal);
        Assert.Equal("1 before, 2 in the chain", await RowsAsync(recovered.TargetDatabase));
    }

    [Fact]
    public async Task Hook_WithoutAChain_TakesAFullBackup_AndTheSameIdAgainMovesThePoint()
    {
        using var provider = Build(changeCapture: false);
        var service = provider.Service();

        var first = await service.BackupBeforeMigrationAsync("AddTags");
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (2, 'between the two hooks')");
        // The migration failed and is retried: the newer point is nearer it and wins.
        var second = await service.BackupBeforeMigrationAsync("AddTags");
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (3, 'after the hook')");
        await service.CreateFullBackupAsync();

        Assert.Equal((PreMigrationBackupKind.Full, PreMigrationBackupKind.Full), (first.Kind, second.Kind));
        Assert.Equal(second.Backup.SnapshotAt, second.RecoverTo);
        Assert.Equal("AddTags", second.Backup.Properties["before-migration"]);
        var recovered = await service.RecoverBeforeMigrationAsync("AddTags");
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal([second.Backup.Id], recovered.BackupIds);
        Assert.Equal("1 before, 2 between the two hooks", await RowsAsync(recovered.TargetDatabase));
    }

    [Fact]
    public async Task Hook_WithChangeCaptureButNoBackupYet_StartsAChainWithAFullBackup()
    {
        using var provider = Build(changeCapture: true);
        var service = provider.Service();

        var hook = await service.BackupBeforeMigrationAsync("AddTags");
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (2, 'after the hook')");
        var later = await service.CreateIncrementalBackupAsync();

        Assert.Equal(PreMigrationBackupKind.Full, hook.Kind);
        Assert.Equal(hook.Backup.Id, hook.Backup.ChainId);
        var recovered = await service.RecoverBeforeMigrationAsync("AddTags");
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal([hook.Backup.Id, later.Id], recovered.BackupIds);
        Assert.Equal("1 before", await RowsAsync(recovered.TargetDatabase));
    }

    [Fact]
    public async Task Hook_WithContinuousCaptureRunning_MarksTheChain_AndRecoveryBeforeTheMigrationLacksLaterRows()
    {
        using var provider = Build(changeCapture: true, continuous: true);
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        PreMigrationBackup? hook = null;
        await CaptureRun.WithCaptureAsync(provider, async () =>
        {
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().ChainId == full.Id, "capture to record the chain");
            await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (2, 'in the chain')");
            hook = await service.BackupBeforeMigrationAsync("AddTags");
            // The hook returned once capture had stored its point.
            Assert.True(service.GetContinuousCaptureStatus().RecoveryPoint >= hook.RecoverTo);
            await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (3, 'after the hook')");
            var after = DateTimeOffset.UtcNow;
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().RecoveryPoint >= after, "capture to store the later row");
        });

        Assert.Equal(PreMigrationBackupKind.CaptureMark, hook!.Kind);
        Assert.Equal(full.Id, hook.Backup.Id);
        Assert.True((await service.GetBackupAsync(full.Id)).Properties.ContainsKey("before-migration:AddTags"));
        var recovered = await service.RecoverBeforeMigrationAsync("AddTags");
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal(hook.RecoverTo, recovered.Target);
        Assert.Equal("1 before, 2 in the chain", await RowsAsync(recovered.TargetDatabase));
        var latest = await service.RestoreLatestAsync();
        _recovered.Add(latest.TargetDatabase);
        Assert.Equal("1 before, 2 in the chain, 3 after the hook", await RowsAsync(latest.TargetDatabase));
    }

    [Fact]
    public async Task Hook_WhileContinuousCaptureRunsInAnotherProcess_MarksTheChainOnceItsSegmentsPassThePoint()
    {
        using var capturing = Build(changeCapture: true, continuous: true);
        using var migrating = Build(changeCapture: true);
        var full = await capturing.Service().CreateFullBackupAsync();
        PreMigrationBackup? hook = null;
        await CaptureRun.WithCaptureAsync(capturing, async () =>
        {
            await CaptureRun.WaitUntilAsync(() => capturing.Service().GetContinuousCaptureStatus().SegmentsStored > 0, "capture to store a first segment");
            await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (2, 'in the chain')");
            hook = await migrating.Service().BackupBeforeMigrationAsync("AddTags");
            await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (3, 'after the hook')");
            var after = DateTimeOffset.UtcNow;
            await CaptureRun.WaitUntilAsync(() => capturing.Service().GetContinuousCaptureStatus().RecoveryPoint >= after, "capture to store the later row");
        });

        Assert.Equal((PreMigrationBackupKind.CaptureMark, full.Id), (hook!.Kind, hook.Backup.Id));
        Assert.DoesNotContain(await migrating.Service().ListBackupsAsync(new BackupQuery { Status = BackupStatus.Failed }), _ => true);
        var recovered = await migrating.Service().RecoverBeforeMigrationAsync("AddTags");
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal("1 before, 2 in the chain", await RowsAsync(recovered.TargetDatabase));
    }

    [Fact]
    public async Task Recovery_BeforeAnUnknownMigration_IsRefusedListingTheKnownIds_AndTouchesNoDatabase()
    {
        using var provider = Build(changeCapture: true);
        var service = provider.Service();
        await service.BackupBeforeMigrationAsync("AddTags");
        await service.BackupBeforeMigrationAsync("DropNotes");
        var databases = await DatabaseCountAsync();

        var error = await Assert.ThrowsAsync<UnknownMigrationException>(() => service.RecoverBeforeMigrationAsync("AddTagz"));

        Assert.Equal(["AddTags", "DropNotes"], error.KnownMigrationIds);
        Assert.Contains("'AddTagz'", error.Message, StringComparison.Ordinal);
        Assert.Contains("known: AddTags, DropNotes", error.Message, StringComparison.Ordinal);
        Assert.Equal(databases, await DatabaseCountAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Add\nTags")]
    [InlineData(" AddTags")]
    public async Task BadMigrationIds_AreRefusedBeforeAnyBackup(string id)
    {
        using var provider = Build(changeCapture: true);
        var service = provider.Service();

        await Assert.ThrowsAsync<ArgumentException>(() => service.BackupBeforeMigrationAsync(id));
        await Assert.ThrowsAsync<ArgumentException>(() => service.BackupBeforeMigrationAsync(new string('x', 201)));
        await Assert.ThrowsAsync<ArgumentException>(() => service.RecoverBeforeMigrationAsync(id));

        Assert.Empty(await service.ListBackupsAsync(new BackupQuery()));
        var accepted = await service.BackupBeforeMigrationAsync(new string('x', 200));
        Assert.Equal(new string('x', 200), accepted.MigrationId);
    }

    private ServiceProvider Build(bool changeCapture, bool continuous = false) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, _key, b =>
        {
            b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = changeCapture; });
            if (continuous)
            {
                b.UseContinuousCapture(o =>
                {
                    o.FlushInterval = TimeSpan.FromMilliseconds(200);
                    o.IdleMarkerInterval = TimeSpan.FromSeconds(1);
                    o.MaxRetryDelay = TimeSpan.FromSeconds(1);
                    o.SpoolDirectory = _spool.Path;
                });
            }
        });

    private static Task<string> RowsAsync(string database) =>
        TestServer.ScalarAsync<string>(database, "SELECT string_agg(id || ' ' || body, ', ' ORDER BY id) FROM notes");

    // This test's databases only (a recovery names its target after the source): other test classes create databases in parallel.
    private Task<long> DatabaseCountAsync() => TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{_database}%'");
}
