using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Encryption;
using Backup.Core.Monitoring;
using Backup.Core.Pipeline;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;

namespace Backup.Core.Tests.Catalog;

/// <summary>
/// The catalog keeps the manifests it has read: a listing is one LIST plus GETs only for new or
/// changed manifests, while what other processes write and delete is still seen.
/// </summary>
public sealed class CatalogIndexTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _root = new();
    private readonly CountingStorageProvider _store;
    private readonly MasterKeyRing _keys = new(Keys.Random("k1"));

    public CatalogIndexTests() => _store = new CountingStorageProvider(new LocalStorageProvider(new LocalStorageOptions { RootPath = _root.Path }));

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task List_SecondTime_DoesOneListAndNoGet()
    {
        await SaveAllAsync(new BackupCatalog(_store, _keys), 3);
        var catalog = new BackupCatalog(_store, _keys);
        Assert.Equal(3, (await ListAsync(catalog)).Count);
        _store.Reset();

        var again = await ListAsync(catalog);

        Assert.Equal(3, again.Count);
        Assert.Equal(1, _store.Lists);
        Assert.Equal(0, _store.Reads);
    }

    [Fact]
    public async Task List_AfterItsOwnSaves_ReadsNoManifest()
    {
        var catalog = new BackupCatalog(_store, _keys, encryptDetails: true);
        var saved = await SaveAllAsync(catalog, 3);
        _store.Reset();

        var listed = await ListAsync(catalog);

        Assert.Equal(saved.Select(m => m.Id).Reverse(), listed.Select(m => m.Id));
        Assert.Equal(0, _store.Reads);
        // Held as a read would return it: authenticated, details opened.
        Assert.All(listed, m => Assert.True(m.Authenticated));
        Assert.All(listed, m => Assert.Equal("a comment", m.Comment));
    }

    [Fact]
    public async Task List_ManifestRewrittenByAnotherCatalog_SeesTheNewVersionWithOneGet()
    {
        var other = new BackupCatalog(_store, _keys);
        var saved = await SaveAllAsync(other, 3);
        var catalog = new BackupCatalog(_store, _keys);
        await ListAsync(catalog);

        await other.SaveAsync(saved[1] with { Status = BackupStatus.Failed, Error = "rewritten elsewhere" });
        _store.Reset();
        var listed = await ListAsync(catalog);

        Assert.Equal(BackupStatus.Failed, listed.Single(m => m.Id == saved[1].Id).Status);
        Assert.Equal(1, _store.Reads);
    }

    [Fact]
    public async Task List_ManifestDeletedByAnotherCatalog_DisappearsWithoutAGet()
    {
        var other = new BackupCatalog(_store, _keys);
        var saved = await SaveAllAsync(other, 3);
        var catalog = new BackupCatalog(_store, _keys);
        await ListAsync(catalog);

        await other.DeleteAsync(saved[0].Id);
        _store.Reset();
        var listed = await ListAsync(catalog);

        Assert.DoesNotContain(saved[0].Id, listed.Select(m => m.Id));
        Assert.Equal(2, listed.Count);
        Assert.Equal(0, _store.Reads);
        // Forgotten too, so the gauges that read the catalog do not count it.
        Assert.Equal(listed.Select(m => m.Id), catalog.Indexed!.Select(m => m.Id));
    }

    [Fact]
    public async Task List_UnauthenticatedManifestPlanted_IsSkippedOnEveryListing()
    {
        var catalog = new BackupCatalog(_store, _keys);
        var saved = await SaveAllAsync(catalog, 2);
        // Written without the key: no valid tag, so a host with the key must never list it.
        await new BackupCatalog(_store).SaveAsync(Sample(BackupId.New(Start.AddHours(5))));

        var first = await ListAsync(catalog);
        var second = await ListAsync(catalog);

        Assert.Equal(saved.Select(m => m.Id).Reverse(), first.Select(m => m.Id));
        Assert.Equal(first.Select(m => m.Id), second.Select(m => m.Id));
    }

    [Fact]
    public async Task Metrics_ReadTheCatalog_AndFollowItsSavesAndDeletes()
    {
        var catalog = new BackupCatalog(_store, _keys);
        var saved = await SaveAllAsync(catalog, 3);
        using var metrics = new BackupMetrics(catalog);
        Assert.False(metrics.Loaded); // the catalog has not listed the store yet

        await ListAsync(catalog);
        Assert.True(metrics.Loaded);
        Assert.Equal(3, metrics.Analytics.TotalBackups);

        await catalog.SaveAsync(saved[0] with { Status = BackupStatus.Failed, Error = "x" });
        Assert.Equal(1, metrics.Analytics.FailedBackups);
        await catalog.DeleteAsync(saved[2].Id);
        Assert.Equal(2, metrics.Analytics.TotalBackups);
    }

    [Fact]
    public async Task ASaveWhileTheStoreLists_StaysInTheIndex()
    {
        var catalog = new BackupCatalog(_store, _keys);
        await SaveAllAsync(catalog, 2);
        var during = Sample(BackupId.New(Start.AddHours(5)));
        _store.DuringList = () => catalog.SaveAsync(during);

        await ListAsync(catalog);

        Assert.Contains(during.Id, catalog.Indexed!.Select(m => m.Id));
        Assert.Equal(3, catalog.Indexed!.Count);
    }

    [Fact]
    public async Task ADeleteWhileAListingReadsTheManifest_DoesNotPutItBackInTheIndex()
    {
        var saved = await SaveAllAsync(new BackupCatalog(_store, _keys), 2);
        var catalog = new BackupCatalog(_store, _keys);
        var victim = saved[0].Id;
        _store.AfterOpen = async key =>
        {
            if (key == BackupCatalog.ManifestKey(victim))
            {
                _store.AfterOpen = null;
                await catalog.DeleteAsync(victim);
            }
        };

        await ListAsync(catalog);

        Assert.DoesNotContain(victim, catalog.Indexed!.Select(m => m.Id));
        Assert.Equal([saved[1].Id], catalog.Indexed!.Select(m => m.Id));
    }

    [Fact]
    public async Task ASaveCancelledOnceTheManifestIsStored_ReportsItStored()
    {
        var catalog = new BackupCatalog(_store, _keys);
        using var cancel = new CancellationTokenSource();
        _store.AfterPut = _ => cancel.CancelAsync();
        var manifest = Sample(BackupId.New(Start));

        await catalog.SaveAsync(manifest, cancel.Token);

        Assert.Equal(BackupStatus.Completed, (await catalog.GetAsync(manifest.Id)).Status);
    }

    private static async Task<List<BackupManifest>> SaveAllAsync(BackupCatalog catalog, int count)
    {
        var saved = new List<BackupManifest>();
        for (var i = 0; i < count; i++)
        {
            var manifest = Sample(BackupId.New(Start.AddHours(i)));
            await catalog.SaveAsync(manifest);
            saved.Add(manifest);
        }
        return saved;
    }

    private static async Task<List<BackupManifest>> ListAsync(BackupCatalog catalog)
    {
        var list = new List<BackupManifest>();
        await foreach (var manifest in catalog.ListAsync())
        {
            list.Add(manifest);
        }
        return list;
    }

    private static BackupManifest Sample(string id) => new()
    {
        Id = id,
        Type = BackupType.Full,
        Status = BackupStatus.Completed,
        Database = "shop",
        StartedAt = BackupId.TimeOf(id),
        CompletedAt = BackupId.TimeOf(id).AddMinutes(1),
        Comment = "a comment",
        Content = new StoredContent
        {
            Key = $"database/{id}.dump",
            Compression = "none",
            RawBytes = 10,
            StoredBytes = 10,
            PlainSha256 = new string('a', 64),
            StoredSha256 = new string('a', 64),
        },
    };
}
