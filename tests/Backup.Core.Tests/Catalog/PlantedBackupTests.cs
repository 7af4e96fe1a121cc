using System.Text;
using System.Text.Json.Nodes;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Compression;
using Backup.Core.Configuration;
using Backup.Core.Encryption;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Core.Tests.Catalog;

/// <summary>
/// Issue #20 item 4: whoever can write to the store must not be able to choose what a host with a
/// key restores — not with a clear object and a hand-made manifest, not by editing a manifest,
/// not by moving one backup's encrypted object under another backup's key.
/// </summary>
public sealed class PlantedBackupTests : IDisposable
{
    private readonly TempDirectory _source = new();
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _target = new();
    private readonly string _key = Services.NewKey();

    public void Dispose()
    {
        _source.Dispose();
        _store.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task PlantedClearBackupWithHandMadeManifest_KeyConfigured_RestoreVerifyAndDownloadAreRefused()
    {
        // A host without a key writes exactly what an attacker would plant: a clear tar, compression
        // none, a manifest with correct hashes and no tag.
        string id;
        using (var attacker = Build(key: null))
        {
            id = (await BackUpAsync(attacker.Service(), "planted.txt", compress: false)).Id;
        }
        using var host = Build(_key);
        var service = host.Service();

        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreFilesAsync(id, new FileRestoreOptions { TargetDirectory = _target.Path }));
        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.VerifyBackupAsync(id));
        var download = await Assert.ThrowsAsync<BackupIntegrityException>(() => service.OpenBackupContentAsync(id));

        Assert.Contains("RequireEncryption", download.Message, StringComparison.Ordinal);
        Assert.Empty(_target.AllFiles());
        Assert.Empty(await service.ListBackupsAsync());
    }

    [Fact]
    public async Task PlantedClearBackup_RequireEncryptionTurnedOff_ReadsAsAnOldUnencryptedBackup()
    {
        string id;
        using (var before = Build(key: null))
        {
            id = (await BackUpAsync(before.Service(), "old.txt", compress: true)).Id;
        }
        using var host = Build(_key, o => o.RequireEncryption = false);

        var restored = await host.Service().RestoreFilesAsync(id, new FileRestoreOptions { TargetDirectory = _target.Path });

        Assert.Equal(1, restored.Files);
    }

    [Fact]
    public async Task ClearObjectUnderAnEncryptingPipeline_IsRefusedBeforeAByteIsRead()
    {
        var store = new MemoryStorageProvider();
        var clear = await new BackupPipeline(store, new NoCompressor()).WriteAsync("database/20260102T030405123Z-aaaaaaaa.dump", (s, ct) => s.WriteAsync("attacker SQL"u8.ToArray(), ct).AsTask());

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(() => new BackupPipeline(store, new NoCompressor(), Keys.Encryptor(Keys.Random("k"))).OpenReadAsync(clear));

        Assert.Contains("RequireEncryption", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestEditedByHand_EnvelopeField_IsRefusedAndNotListed()
    {
        using var host = Build(_key);
        var service = host.Service();
        var id = (await BackUpAsync(service, "a.txt", compress: true)).Id;
        EditManifest(id, m => m["scheduleId"] = "nightly");

        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.GetBackupAsync(id));
        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.VerifyBackupAsync(id));
        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreFilesAsync(id, new FileRestoreOptions { TargetDirectory = _target.Path }));
        Assert.Empty(await service.ListBackupsAsync());
    }

    [Fact]
    public async Task ManifestEditedByHand_RowCountInClearDetails_IsRefused()
    {
        var store = new MemoryStorageProvider();
        var keys = new MasterKeyRing(Keys.Random("k1"));
        var catalog = new BackupCatalog(store, keys);
        var manifest = ManifestDetailsEncryptionTests.Sample("20260102T030405123Z-aaaaaaaa");
        await catalog.SaveAsync(manifest);
        var key = BackupCatalog.ManifestKey(manifest.Id);
        var json = JsonNode.Parse(await ReadAsync(store, key))!;
        json["tableRowCounts"]!["sales.orders"] = 1;
        await store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())));

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(() => catalog.GetAsync(manifest.Id));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestEditedByHand_ContentKeyPointsAtAnotherBackup_IsRefused()
    {
        var store = new MemoryStorageProvider();
        var catalog = new BackupCatalog(store, new MasterKeyRing(Keys.Random("k1")), encryptDetails: true);
        var manifest = ManifestDetailsEncryptionTests.Sample("20260102T030405123Z-aaaaaaaa");
        await catalog.SaveAsync(manifest);
        var key = BackupCatalog.ManifestKey(manifest.Id);
        var json = JsonNode.Parse(await ReadAsync(store, key))!;
        json["content"]!["key"] = "database/20260101T030405123Z-bbbbbbbb.dump.zst.enc";
        await store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())));

        await Assert.ThrowsAsync<BackupIntegrityException>(() => catalog.GetAsync(manifest.Id));
    }

    [Fact]
    public async Task EncryptedObjectMovedUnderAnotherBackupsKey_WithThatBackupsHashes_FailsToDecrypt()
    {
        // Copy A's container over B's object and give B's manifest A's sizes and hashes: the only
        // thing left to notice the swap is the object key bound into the container.
        var store = new MemoryStorageProvider();
        var pipeline = new BackupPipeline(store, new NoCompressor(), Keys.Encryptor(Keys.Random("k")));
        var a = await pipeline.WriteAsync("database/20260102T030405123Z-aaaaaaaa.dump", (s, ct) => s.WriteAsync("backup A"u8.ToArray(), ct).AsTask());
        var b = await pipeline.WriteAsync("database/20260103T030405123Z-bbbbbbbb.dump", (s, ct) => s.WriteAsync("backup B"u8.ToArray(), ct).AsTask());
        await store.PutAsync(b.Key, await store.OpenReadAsync(a.Key));

        await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.VerifyAsync(a with { Key = b.Key }));
    }

    [Fact]
    public async Task DeleteOrphans_ManifestWithoutTag_StillProtectsItsObjects()
    {
        // Backups written before manifests were tagged must not be cleaned up as orphans.
        string id;
        using (var before = Build(key: null))
        {
            id = (await BackUpAsync(before.Service(), "old.txt", compress: true)).Id;
        }
        var catalog = new BackupCatalog(new Backup.Core.Storage.LocalStorageProvider(new Backup.Core.Storage.LocalStorageOptions { RootPath = _store.Path }), new MasterKeyRing(Keys.Random("k")));

        var deleted = await catalog.DeleteOrphansAsync(TimeSpan.Zero, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Empty(deleted);
        Assert.Contains(_store.AllFiles(), f => f.StartsWith($"files/{id}.", StringComparison.Ordinal));
    }

    private async Task<BackupManifest> BackUpAsync(BackupService service, string file, bool compress)
    {
        var folder = Path.Combine(_source.Path, "docs");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, file), "contents");
        return await service.CreateFileBackupAsync("docs", new FileBackupOptions { Directories = [folder], Compress = compress });
    }

    private void EditManifest(string id, Action<JsonNode> edit)
    {
        var path = Path.Combine(_store.Path, "metadata", id + ".json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private static async Task<string> ReadAsync(MemoryStorageProvider store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private ServiceProvider Build(string? key, Action<BackupEncryptionOptions>? configure = null) => FileOnlyHost.Build(_store.Path, key, configure);
}
