using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Backup.Core.Monitoring;
using Backup.Core.Operations;
using Backup.Core.Tests.Support;

namespace Backup.Core.Tests.Orchestration;

/// <summary>The backup-run template through the features, on the fake engine and an in-memory store.</summary>
public sealed class BackupRunTests
{
    [Fact]
    public async Task FullBackup_DumpFails_RecordsAFailureManifest_AndLeavesNothingRestorable()
    {
        var harness = new OrchestrationHarness();
        harness.Engine.DumpFailure = new BackupDatabaseException("pg_dump: error: connection lost (test)");

        var error = await Assert.ThrowsAsync<BackupDatabaseException>(() => harness.Service.CreateFullBackupAsync());

        var record = Assert.Single(await harness.Service.ListBackupsAsync());
        Assert.Equal(BackupStatus.Failed, record.Status);
        Assert.Equal(BackupType.Full, record.Type);
        Assert.Equal("shop", record.Database);
        Assert.Equal(error.Message, record.Error);
        Assert.Null(record.Content);
        Assert.Empty(await harness.Service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed }));
        Assert.Empty((await harness.Service.GetBackupStatusAsync()).RunningBackups);
    }

    [Fact]
    public async Task FullBackup_RefusedAsBusy_RecordsNothing_AndCreatesNoSlot()
    {
        var harness = new OrchestrationHarness(new DatabaseSettings { CapturesChanges = true });
        harness.Engine.Busy = true;

        await Assert.ThrowsAsync<BackupInProgressException>(() => harness.Service.CreateFullBackupAsync());

        Assert.Empty(await harness.Service.ListBackupsAsync());
        Assert.Empty(harness.Engine.Slots);
        Assert.Empty(harness.DataObjects);
    }

    [Fact]
    public async Task ChainFullBackup_ManifestStoreFails_DropsItsSlot_ThenReleasesTheLock()
    {
        var memory = new MemoryStorageProvider();
        var harness = new OrchestrationHarness(new DatabaseSettings { CapturesChanges = true }, new ManifestFailingStore(memory));

        await Assert.ThrowsAsync<BackupStorageException>(() => harness.Service.CreateFullBackupAsync());

        Assert.Empty(harness.Engine.Slots);
        Assert.False(harness.Engine.LockHeld);
        var events = harness.Engine.Events;
        Assert.Equal("lock", events[0]);
        Assert.StartsWith("slot ", events[1], StringComparison.Ordinal);
        // The slot goes while the lock is still held: no other backup ever sees it.
        Assert.Equal(["drop " + events[1]["slot ".Length..], "unlock"], events[^2..]);
    }

    [Fact]
    public async Task ChainFullBackup_Stored_KeepsItsSlot_DropsTheSupersededChainsSlot_AndRecordsTypedFacts()
    {
        var harness = new OrchestrationHarness(new DatabaseSettings { CapturesChanges = true });
        var first = await harness.Service.CreateFullBackupAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(1));

        var second = await harness.Service.CreateFullBackupAsync();

        Assert.Equal(second.Properties[ManifestProperties.Slot], Assert.Single(harness.Engine.Slots));
        Assert.NotEqual(first.Properties[ManifestProperties.Slot], second.Properties[ManifestProperties.Slot]);
        Assert.Equal("0/16B3748", second.StartLsn);
        Assert.Equal("0/16B3748", second.EndLsn);
        Assert.Equal(DateTimeOffset.UnixEpoch, second.SnapshotAt);
        Assert.Equal(second.Id, second.ChainId);
        Assert.False(harness.Engine.LockHeld);
    }

    [Fact]
    public async Task Incremental_AcknowledgesTheSlot_OnlyAfterItsManifestIsStored()
    {
        var harness = new OrchestrationHarness(new DatabaseSettings { CapturesChanges = true });
        var full = await harness.Service.CreateFullBackupAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        var storedWhenAcknowledged = new List<BackupStatus>();
        harness.Engine.OnAcknowledge = async (_, _) =>
            storedWhenAcknowledged.AddRange((await harness.Service.ListBackupsAsync(new BackupQuery { Type = BackupType.Incremental })).Select(b => b.Status));

        var incremental = await harness.Service.CreateIncrementalBackupAsync();

        Assert.Equal([BackupStatus.Completed], storedWhenAcknowledged);
        Assert.Equal(full.Id, incremental.ParentId);
        Assert.Equal(full.EndLsn, incremental.StartLsn);
        Assert.Equal(ManifestProperties.ChangeCaptureMode, incremental.Properties[ManifestProperties.IncrementalMode]);
    }

    [Fact]
    public async Task Incremental_ManifestStoreFails_DoesNotAcknowledgeTheSlot()
    {
        var store = new ManifestFailingStore(new MemoryStorageProvider()) { Refusing = false };
        var harness = new OrchestrationHarness(new DatabaseSettings { CapturesChanges = true }, store);
        var full = await harness.Service.CreateFullBackupAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        store.Refusing = true;

        await Assert.ThrowsAsync<BackupStorageException>(() => harness.Service.CreateIncrementalBackupAsync());

        Assert.Contains(harness.Engine.Events, e => e.StartsWith("capture ", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Engine.Events, e => e.StartsWith("acknowledge ", StringComparison.Ordinal));
        Assert.Equal(full.Properties[ManifestProperties.Slot], Assert.Single(harness.Engine.Slots));
    }

    [Fact]
    public async Task AFailingCopy_DoesNotFailTheBackup_AndTheReturnedManifestSaysSo()
    {
        var offsite = new ManifestFailingStore(new MemoryStorageProvider { FailAfterBytes = 0 });
        var harness = new OrchestrationHarness(copyTo: ("offsite", offsite), withMetrics: true);
        using var metrics = harness.Metrics!;

        var manifest = await harness.Service.CreateFullBackupAsync();

        Assert.Equal(BackupStatus.Completed, manifest.Status);
        Assert.StartsWith("failed at ", manifest.Properties[ManifestProperties.CopyFailedPrefix + "offsite"], StringComparison.Ordinal);
        // The rewritten manifest is the stored one, and status finds the failed copy.
        Assert.Equal(manifest.Properties, (await harness.Service.GetBackupAsync(manifest.Id)).Properties);
        Assert.Equal([manifest.Id], (await harness.Service.GetBackupStatusAsync()).FailedCopies);
        Assert.Equal(1, metrics.Analytics.SuccessfulBackups);
    }
}
