using System.Text.Json.Nodes;
using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

/// <summary>
/// Issue #20 item 4 on a real server: a clear pg_dump archive with a hand-made manifest, planted
/// by whoever can write to the bucket, must never reach pg_restore on a host with a key.
/// </summary>
public sealed class FullBackupPlantedInStoreTests(SmallDatabaseFixture source) : IClassFixture<SmallDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task PlantedClearFullBackup_HostWithKey_RestoreVerifyAndDownloadRefusedAndNoDatabaseCreated()
    {
        // A host without a key writes exactly what an attacker would plant: a clear archive (and
        // roles object) with correct hashes and a manifest without a tag.
        string id;
        using (var attacker = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, key: null))
        {
            id = (await attacker.Service().CreateFullBackupAsync(new FullBackupOptions { Compress = false })).Id;
        }
        using var host = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = host.Service();
        var target = $"planted_{Guid.NewGuid():N}"[..24];

        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreFromBackupAsync(id, new RestoreOptions { TargetDatabase = target }));
        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.VerifyBackupAsync(id, deep: true));
        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.OpenBackupContentAsync(id));

        Assert.Equal(0, await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{target}'"));
        Assert.Empty(await service.ListBackupsAsync());
    }

    [Fact]
    public async Task GenuineFullBackup_ManifestEditedByHand_RestoreRefused()
    {
        using var host = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = host.Service();
        var id = (await service.CreateFullBackupAsync()).Id;
        var path = Path.Combine(_store.Path, "metadata", id + ".json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        json["database"] = "postgres";
        await File.WriteAllTextAsync(path, json.ToJsonString());

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreFromBackupAsync(id));

        Assert.Contains("not authenticated", error.Message, StringComparison.Ordinal);
    }
}
