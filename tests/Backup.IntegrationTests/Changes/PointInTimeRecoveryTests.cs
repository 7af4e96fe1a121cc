using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backup.IntegrationTests.Changes;

/// <summary>Incremental backups and point-in-time recovery through BackupService, as a host uses them.</summary>
public sealed class PointInTimeRecoveryTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_pitr_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];
    private readonly Random _random = new(11);

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE accounts (aid int PRIMARY KEY, abalance int NOT NULL);
            CREATE TABLE history (hid bigserial PRIMARY KEY, aid int NOT NULL, delta int NOT NULL);
            INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 500) g;
            """);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FullThenIncrementals_RecoverAnyMomentInTheWindowAndTheLatestState()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();

        var full = await service.CreateFullBackupAsync();
        await TransfersAsync(40);
        var moment = await ServerClockAsync();
        var atMoment = await DatabaseComparison.ContentHashesAsync(_database);
        await Task.Delay(20);
        await TransfersAsync(40);
        var first = await service.CreateIncrementalBackupAsync();
        await TransfersAsync(30);
        await TestServer.ExecuteAsync(_database, "DELETE FROM history WHERE delta = 0");
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);
        var second = await service.CreateIncrementalBackupAsync();

        Assert.Equal(full.Id, full.ChainId);
        Assert.Equal((full.Id, full.Id), (first.ParentId, first.ChainId));
        Assert.Equal((first.Id, full.Id), (second.ParentId, second.ChainId));
        Assert.Equal(80, first.TransactionCount);
        Assert.Equal(160, first.ChangeCount);
        var verified = await service.VerifyBackupAsync(first.Id);
        Assert.True(verified.IsValid, string.Join("; ", verified.Checks.Select(c => c.Detail)));
        Assert.Contains(verified.Checks, c => c.Name == "change segment" && c.Detail.StartsWith("80 transactions", StringComparison.Ordinal));

        var plan = await service.PointInTimeRecoveryAsync(moment, new PointInTimeOptions { DryRun = true });
        Assert.Equal([full.Id, first.Id, second.Id], plan.BackupIds);
        Assert.False(await TestServer.DatabaseExistsAsync(plan.TargetDatabase));

        var pitr = await service.PointInTimeRecoveryAsync(moment, new PointInTimeOptions { Verify = true });
        _recovered.Add(pitr.TargetDatabase);
        var latest = await service.RestoreLatestAsync();
        _recovered.Add(latest.TargetDatabase);

        Assert.True(pitr.Reached <= moment);
        Assert.Equal(40, pitr.Transactions);
        static IEnumerable<KeyValuePair<string, string>> Tables(IDictionary<string, string> hashes) => hashes.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal));
        Assert.Equal(Tables(atMoment), Tables(await DatabaseComparison.ContentHashesAsync(pitr.TargetDatabase)));
        Assert.Equal(atEnd, await DatabaseComparison.ContentHashesAsync(latest.TargetDatabase));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(pitr.TargetDatabase, "SELECT (SELECT sum(abalance) FROM accounts) - (SELECT coalesce(sum(delta), 0) FROM history)"));

        // A damaged incremental is caught by verify, and recovery through it fails and leaves no database.
        var path = Path.Combine(_store.Path, second.Content!.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);
        Assert.False((await service.VerifyBackupAsync(second.Id)).IsValid);
        var broken = await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreLatestAsync(new PointInTimeOptions { TargetDatabase = "it_pitr_broken_" + _database[^8..] }));
        Assert.False(await TestServer.DatabaseExistsAsync("it_pitr_broken_" + _database[^8..]));
        Assert.Contains("not intact", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_OutsideTheWindow_NamesTheWindow()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();

        var error = await Assert.ThrowsAsync<BackupException>(() => service.PointInTimeRecoveryAsync(full.SnapshotAt!.Value.AddHours(-1)));

        Assert.Contains("outside every recoverable window", error.Message, StringComparison.Ordinal);
        Assert.Contains(full.SnapshotAt!.Value.ToString("u", System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullBackup_TableWithoutReplicaIdentity_IsRefusedNamingItBeforeAnythingIsPublished()
    {
        await TestServer.ExecuteAsync(_database, "CREATE TABLE notes (body text)");
        using var provider = Build(key: null);

        var error = await Assert.ThrowsAsync<BackupConfigurationException>(() => provider.Service().CreateFullBackupAsync());

        Assert.Contains("public.notes", error.Message, StringComparison.Ordinal);
        Assert.Contains("REPLICA IDENTITY FULL", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_publication"));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, $"SELECT count(*) FROM pg_replication_slots WHERE database = '{_database}'"));
    }

    [Fact]
    public async Task Incremental_AfterATableChanged_WithoutDdlCapture_RefusesLosesNothingAndANewFullStartsANewChain()
    {
        using var provider = Build(Services.NewKey(), captureDdl: false);
        var service = provider.Service();
        var oldChain = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "ALTER TABLE accounts ADD COLUMN note text");
        await TestServer.ExecuteAsync(_database, "UPDATE accounts SET note = 'x' WHERE aid = 1");

        var error = await Assert.ThrowsAsync<SchemaChangedException>(() => service.CreateIncrementalBackupAsync());
        var newChain = await service.CreateFullBackupAsync();
        await TransfersAsync(3);
        var incremental = await service.CreateIncrementalBackupAsync();

        Assert.Contains("public.accounts", error.Message, StringComparison.Ordinal);
        Assert.Contains("new full backup", error.Message, StringComparison.Ordinal);
        Assert.Equal(newChain.Id, incremental.ChainId);
        Assert.Equal(3, incremental.TransactionCount);
        Assert.DoesNotContain(await service.ListBackupsAsync(new BackupQuery { Type = BackupType.Incremental, Status = BackupStatus.Completed }), b => b.ChainId == oldChain.Id);
        // Only the new chain's slot is left holding WAL; status shows it, and deleting the chain (its full backup with cascade) drops it.
        Assert.Equal(1L, await TestServer.ScalarAsync<long>(_database, $"SELECT count(*) FROM pg_replication_slots WHERE database = '{_database}'"));
        var status = await service.GetBackupStatusAsync();
        Assert.Equal(newChain.Properties["slot"], Assert.Single(status.Slots).Name);
        await service.DeleteBackupAsync(newChain.Id, cascade: true);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, $"SELECT count(*) FROM pg_replication_slots WHERE database = '{_database}'"));
    }

    [Fact]
    public async Task Incremental_AfterATableChanged_WithoutDdlCapture_WithNewChainOnSchemaChange_TakesAFullBackupInstead()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; o.NewChainOnSchemaChange = true; o.CaptureDdl = false; }));
        var service = provider.Service();
        var oldChain = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "ALTER TABLE accounts ADD COLUMN note text");
        await TestServer.ExecuteAsync(_database, "UPDATE accounts SET note = 'x' WHERE aid = 1");

        var instead = await service.CreateIncrementalBackupAsync(new IncrementalBackupOptions { Comment = "nightly" });
        await TransfersAsync(2);
        var next = await service.CreateIncrementalBackupAsync();

        Assert.Equal(BackupType.Full, instead.Type);
        Assert.Equal((instead.Id, "nightly"), (instead.ChainId!, instead.Comment));
        Assert.NotEqual(oldChain.Id, instead.Id);
        Assert.Equal((instead.Id, 2L), (next.ChainId!, next.TransactionCount));
        Assert.Empty(await service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Failed }));
    }

    [Fact]
    public async Task Incremental_UploadFailingHalfWay_LosesNothing_TheRetryCapturesTheSameChangesOnce()
    {
        var store = new FailingUploadStorage(_store.Path);
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; })
                  .UseStorage(_ => store));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await TransfersAsync(60);
        await TestServer.ExecuteAsync(_database, "INSERT INTO history (aid, delta) SELECT 1 + g % 500, 0 FROM generate_series(1, 5000) g");

        store.FailNextUpload("database/", afterBytes: 4096);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => service.CreateIncrementalBackupAsync());
        var retry = await service.CreateIncrementalBackupAsync();
        await TransfersAsync(7);
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);
        var next = await service.CreateIncrementalBackupAsync();

        Assert.Contains("injected failure", error.ToString(), StringComparison.Ordinal);
        var failed = Assert.Single(await service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Failed }));
        Assert.Null(failed.Content);
        Assert.False(await store.ExistsAsync(BackupCatalog.DataKey(BackupType.Incremental, failed.Id)));
        Assert.Equal((full.Id, 61L, 5120L), (retry.ParentId!, retry.TransactionCount, retry.ChangeCount));
        Assert.Equal((retry.Id, 7L), (next.ParentId!, next.TransactionCount));
        var latest = await service.RestoreLatestAsync();
        _recovered.Add(latest.TargetDatabase);
        Assert.Equal(atEnd, await DatabaseComparison.ContentHashesAsync(latest.TargetDatabase));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(latest.TargetDatabase, "SELECT (SELECT sum(abalance) FROM accounts) - (SELECT coalesce(sum(delta), 0) FROM history)"));
    }

    [Fact]
    public async Task SlotOverTheLagLimit_IsDroppedByTheMonitor_ChainMarkedBroken_RecoveryStillReachesItsLastIncremental()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o =>
            {
                o.ToolsDirectory = TestServer.ToolsDirectory;
                o.ChangeCapture = true;
                o.MaxSlotLagMegabytes = 1;
                o.SlotLagCheckInterval = TimeSpan.FromMilliseconds(100);
            }));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await TransfersAsync(5);
        await service.CreateIncrementalBackupAsync();
        var atIncremental = await DatabaseComparison.ContentHashesAsync(_database);
        // Several MB of WAL the slot must keep until the next incremental.
        await TestServer.ExecuteAsync(_database, "INSERT INTO history (aid, delta) SELECT 1 + g % 500, 0 FROM generate_series(1, 60000) g");

        var monitor = provider.GetServices<IHostedService>().Single(s => s.GetType().Name == "SlotLagMonitor");
        await monitor.StartAsync(CancellationToken.None);
        // The slot is dropped first, then the chain is marked: wait for both.
        for (var waited = 0; waited < 150 && (await SlotCountAsync() > 0 || !(await service.GetBackupAsync(full.Id)).Properties.ContainsKey("chainBroken")); waited++)
        {
            await Task.Delay(100);
        }
        await monitor.StopAsync(CancellationToken.None);

        Assert.Equal(0L, await SlotCountAsync());
        Assert.Contains("over the limit of 1 MB", (await service.GetBackupAsync(full.Id)).Properties["chainBroken"], StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<BackupException>(() => service.CreateIncrementalBackupAsync());
        Assert.Contains("is broken", error.Message, StringComparison.Ordinal);
        Assert.Contains("take a full backup", error.Message, StringComparison.Ordinal);
        var latest = await service.RestoreLatestAsync();
        _recovered.Add(latest.TargetDatabase);
        static IEnumerable<KeyValuePair<string, string>> Tables(IDictionary<string, string> hashes) => hashes.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal));
        Assert.Equal(Tables(atIncremental), Tables(await DatabaseComparison.ContentHashesAsync(latest.TargetDatabase)));
    }

    private Task<long> SlotCountAsync() =>
        TestServer.ScalarAsync<long>(_database, $"SELECT count(*) FROM pg_replication_slots WHERE database = '{_database}'");

    private Microsoft.Extensions.DependencyInjection.ServiceProvider Build(string? key, bool captureDdl = true) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, key,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; o.CaptureDdl = captureDdl; }));

    [Fact]
    public async Task RecoveryInsideAnIncremental_SequencesAreAtLeastTheirValueAtTheTarget()
    {
        using var provider = Build(Services.NewKey());
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TransfersAsync(40);
        var moment = await ServerClockAsync();
        var atMoment = await TestServer.ScalarAsync<long>(_database, "SELECT last_value FROM history_hid_seq");
        await Task.Delay(20);
        await TransfersAsync(40);
        await service.CreateIncrementalBackupAsync();

        var recovered = await service.PointInTimeRecoveryAsync(moment);
        _recovered.Add(recovered.TargetDatabase);

        // A recovered database must never hand out a number the source had already used at the target.
        var value = await TestServer.ScalarAsync<long>(recovered.TargetDatabase, "SELECT last_value FROM history_hid_seq");
        Assert.True(value >= atMoment, $"history_hid_seq recovered at {value}, below its {atMoment} at the target");
    }

    private async Task TransfersAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var aid = _random.Next(1, 501);
            var delta = _random.Next(-100, 100);
            await TestServer.ExecuteAsync(_database, $"BEGIN; UPDATE accounts SET abalance = abalance + {delta} WHERE aid = {aid}; INSERT INTO history (aid, delta) VALUES ({aid}, {delta}); COMMIT");
        }
    }

    private async Task<DateTimeOffset> ServerClockAsync() =>
        new(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()"), DateTimeKind.Utc));
}
