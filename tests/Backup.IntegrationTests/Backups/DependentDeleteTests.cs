using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Compaction;
using Backup.Core.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Backups;

/// <summary>
/// Deleting a backup others depend on: refused naming them, or with cascade all of them go; retention
/// still deletes whole chains; and restore progress carries a total and ends at 100 percent.
/// </summary>
public sealed class DependentDeleteTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_deps_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _restored = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL, pad text NOT NULL); INSERT INTO items SELECT g, 0, repeat(md5(g::text), 8) FROM generate_series(1, 60000) g;");
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _restored)
        {
            await TestServer.DropDatabaseAsync(database);
        }
        await TestServer.DropWithSlotsAsync(_database, []);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task DeleteFullWithTwoIncrementals_IsRefusedNamingBoth_LatestStillUsesTheChain_CascadeDeletesAll()
    {
        using var provider = Build();
        var service = provider.Service();
        var older = await service.CreateFullBackupAsync();
        var full = await service.CreateFullBackupAsync();
        await ChangeAsync(2);
        var first = await service.CreateIncrementalBackupAsync();
        await ChangeAsync(1);
        var second = await service.CreateIncrementalBackupAsync();

        var refused = await Assert.ThrowsAsync<BackupHasDependentsException>(() => service.DeleteBackupAsync(full.Id));
        var plan = await service.RestoreLatestAsync(new PointInTimeOptions { DryRun = true });

        Assert.Equal([second.Id, first.Id], refused.DependentIds);
        Assert.Contains("2 backup(s) depend on it", refused.Message, StringComparison.Ordinal);
        Assert.Contains(first.Id, refused.Message, StringComparison.Ordinal);
        Assert.Contains(second.Id, refused.Message, StringComparison.Ordinal);
        // Nothing was deleted: the latest restore still replays the whole chain, not the older backup.
        Assert.Equal([full.Id, first.Id, second.Id], plan.BackupIds);
        Assert.Equal(4, (await service.ListBackupsAsync()).Count);
        // An incremental with a later one depends on it too.
        Assert.Equal([second.Id], (await Assert.ThrowsAsync<BackupHasDependentsException>(() => service.DeleteBackupAsync(first.Id))).DependentIds);

        var deleted = await service.DeleteBackupAsync(full.Id, cascade: true);

        Assert.Equal(full.Id, deleted.Id);
        Assert.Equal([older.Id], (await service.ListBackupsAsync()).Select(b => b.Id));
        Assert.DoesNotContain(full.Properties["slot"], await SlotNamesAsync());
        Assert.Equal([older.Id], (await service.RestoreLatestAsync(new PointInTimeOptions { DryRun = true })).BackupIds);
    }

    [Fact]
    public async Task DeleteMergedSegment_IsRefusedNamingTheLinksAfterItsLastSource_CascadeDeletesExactlyThose()
    {
        using var provider = Build();
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        var sources = new List<BackupManifest>();
        for (var i = 0; i < 3; i++)
        {
            await ChangeAsync(1);
            sources.Add(await service.CreateIncrementalBackupAsync());
        }
        // A large link over the merge limit stays: it continues the last source, which compaction deletes.
        await TestServer.ExecuteAsync(_database, "UPDATE items SET n = n + 1");
        var after = await service.CreateIncrementalBackupAsync();
        var compaction = await service.CompactSegmentsAsync(new SegmentCompactionOptions { CompactAfter = TimeSpan.Zero, MaxMergedBytes = sources.Sum(s => s.Content!.RawBytes) });
        await ChangeAsync(1);
        var last = await service.CreateIncrementalBackupAsync();
        var merged = (await service.ListBackupsAsync()).Single(b => b.Properties.ContainsKey(ManifestProperties.CompactedLast));

        var refused = await Assert.ThrowsAsync<BackupHasDependentsException>(() => service.DeleteBackupAsync(merged.Id));
        var plan = await service.RestoreLatestAsync(new PointInTimeOptions { DryRun = true });

        Assert.Equal((1, 3), (compaction.SegmentsWritten, compaction.SegmentsMerged));
        Assert.Equal(sources[^1].Id, after.ParentId);
        Assert.Equal([last.Id, after.Id], refused.DependentIds);
        Assert.Equal([full.Id, merged.Id, after.Id, last.Id], plan.BackupIds);

        await service.DeleteBackupAsync(merged.Id, cascade: true);

        Assert.Equal([full.Id], (await service.ListBackupsAsync()).Select(b => b.Id));
        Assert.Equal([full.Id], (await service.RestoreLatestAsync(new PointInTimeOptions { DryRun = true })).BackupIds);
    }

    [Fact]
    public async Task Retention_DeletesAWholeOldChain_WithoutTrippingOnTheRefusal()
    {
        var time = new ShiftedTime();
        using var provider = Build(time);
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await ChangeAsync(1);
        var incremental = await service.CreateIncrementalBackupAsync();
        time.Shift = TimeSpan.FromDays(40);
        var newer = await service.CreateFullBackupAsync();
        await ChangeAsync(1);
        var newerIncremental = await service.CreateIncrementalBackupAsync();

        var plan = await service.CleanupOldBackupsAsync(dryRun: false);

        Assert.Equal([incremental.Id, full.Id], plan.Deleted.Select(d => d.Backup.Id));
        Assert.Equal([newerIncremental.Id, newer.Id], (await service.ListBackupsAsync()).Select(b => b.Id));
    }

    [Fact]
    public async Task RestoreProgress_HasTheBackupsSizeAsTotal_RisesAndEndsAt100()
    {
        using var provider = Build();
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        var reports = new ReportList();
        _restored.Add(_database + "_r");

        await service.RestoreFromBackupAsync(full.Id, new RestoreOptions { TargetDatabase = _database + "_r" }, reports);

        var restoring = reports.Items.Where(r => r.Total is not null).ToList();
        Assert.NotEmpty(restoring);
        Assert.All(restoring, r => Assert.Equal(full.RawBytes, r.Total));
        Assert.Equal(restoring.Select(r => r.Percent), restoring.Select(r => r.Percent).Order());
        Assert.Contains(restoring, r => r.Percent is > 0 and < 100);
        Assert.Equal(100, restoring[^1].Percent);
    }

    [Fact]
    public async Task PointInTimeProgress_CountsTheFullBackupAndTheSegments_AgainstTheirTotal()
    {
        using var provider = Build();
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await ChangeAsync(3);
        var incremental = await service.CreateIncrementalBackupAsync();
        var reports = new ReportList();
        _restored.Add(_database + "_p");

        await service.RestoreLatestAsync(new PointInTimeOptions { TargetDatabase = _database + "_p" }, reports);

        Assert.All(reports.Items, r => Assert.Equal(full.RawBytes + incremental.RawBytes, r.Total));
        var replaying = reports.Items.Where(r => r.Phase == "replaying " + incremental.Id).ToList();
        Assert.NotEmpty(replaying);
        // The segment's bytes were counted on top of the full backup's, which is no longer 0 bytes.
        Assert.Equal(full.RawBytes + incremental.RawBytes, replaying.Max(r => r.Bytes));
        Assert.Contains(reports.Items, r => r.Phase.StartsWith("restoring", StringComparison.Ordinal) && r.Bytes > 0);
        Assert.Equal(100, reports.Items[^1].Percent);
    }

    private ServiceProvider Build(TimeProvider? time = null) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, null, b =>
        {
            b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; });
            if (time is not null)
            {
                b.Services.AddSingleton(time);
            }
        });

    private async Task ChangeAsync(int transactions)
    {
        for (var i = 0; i < transactions; i++)
        {
            await TestServer.ExecuteAsync(_database, $"UPDATE items SET n = n + 1 WHERE id = {1 + i}");
        }
    }

    private async Task<IEnumerable<string>> SlotNamesAsync() =>
        (await TestServer.ScalarAsync<string>(_database, $"SELECT coalesce(string_agg(slot_name, ','), '') FROM pg_replication_slots WHERE database = '{_database}'"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Keeps every report in order, on the reporting thread (Progress&lt;T&gt; would post them to the pool, out of order).</summary>
    private sealed class ReportList : IProgress<BackupProgress>
    {
        public List<BackupProgress> Items { get; } = [];

        public void Report(BackupProgress value)
        {
            lock (Items)
            {
                Items.Add(value);
            }
        }
    }

    /// <summary>The system clock moved forward by <see cref="Shift"/>: backups look that much younger than "now" after a shift.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
    }
}
