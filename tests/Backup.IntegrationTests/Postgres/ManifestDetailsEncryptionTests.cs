using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

/// <summary>Issue #18 item 7 on a real encrypted full backup: the bucket alone does not reveal the schema.</summary>
public sealed class ManifestDetailsEncryptionTests(SmallDatabaseFixture source) : IClassFixture<SmallDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FullBackup_Encrypted_RawManifestHasNoTableColumnOrRowCount_YetListAndRestoreWorkWithTheKey()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync(new FullBackupOptions { Comment = "before the audit" });

        var json = await File.ReadAllTextAsync(Path.Combine(_store.Path, "metadata", manifest.Id + ".json"));
        foreach (var secret in new[] { "sales.orders", "sales.customers", "audit.events", "customer_id", "before the audit", "\"sales.orders\": 3" })
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        }
        var listed = Assert.Single(await service.ListBackupsAsync());
        Assert.Equal(3, listed.TableRowCounts["sales.orders"]);
        var result = await service.RestoreFromBackupAsync(manifest.Id);
        try
        {
            Assert.Empty(result.RowCountMismatches);
            Assert.Equal(3, result.RestoredRowCounts["sales.orders"]);
        }
        finally
        {
            await TestServer.DropDatabaseAsync(result.TargetDatabase);
        }
    }

    [Fact]
    public async Task FullBackup_Encrypted_ListWithoutTheKeyShowsTheEnvelope_RestoreNeedsTheKey()
    {
        string id;
        using (var writer = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key))
        {
            id = (await writer.Service().CreateFullBackupAsync()).Id;
        }
        using var reader = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, key: null);
        var service = reader.Service();

        var envelope = Assert.Single(await service.ListBackupsAsync());

        Assert.Equal(id, envelope.Id);
        Assert.Equal(source.Database, envelope.Database);
        Assert.Equal(BackupType.Full, envelope.Type);
        Assert.True(envelope.Content!.RawBytes > 0);
        Assert.Empty(envelope.TableRowCounts);
        Assert.True(envelope.DetailsEncrypted);
        await Assert.ThrowsAnyAsync<EncryptionKeyException>(() => service.RestoreFromBackupAsync(id));
        await Assert.ThrowsAnyAsync<EncryptionKeyException>(() => service.VerifyBackupAsync(id));
    }
}
