using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.DependencyInjection;
using Backup.Core.Operations;
using Backup.Storage.Azure;
using Backup.Storage.Gcs;
using Backup.Storage.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backup.Storage.Tests;

/// <summary>
/// A database backed up into each cloud store and restored from it, wired as a host wires it; and
/// the offsite copy: every finished backup copied to a second store, restorable from there alone.
/// </summary>
public sealed class CloudBackupEndToEndTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_cloud_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _local = new();
    private readonly List<string> _restored = [];
    private readonly string _key = Services.NewKey();
    private GcsProtocolFake? _gcs;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _restored.Append(_database))
        {
            await TestServer.DropDatabaseAsync(database);
        }
        if (_gcs is not null)
        {
            await _gcs.DisposeAsync();
        }
    }

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task FullBackup_ThroughS3_RestoresTheDatabase()
    {
        var bucket = TestServers.UniqueName("bucket");
        (await S3ConformanceTests.CreateAsync(S3ConformanceTests.Options(bucket))).Dispose();
        await BackupAndRestoreAsync(b => b.UseS3Storage(o => Copy(S3ConformanceTests.Options(bucket), o)), "s3");
    }

    [Fact]
    public async Task FullBackup_ThroughAzureBlob_RestoresTheDatabase()
    {
        var container = TestServers.UniqueName("container");
        await AzureBlobConformanceTests.CreateAsync(AzureBlobConformanceTests.Options(container));
        await BackupAndRestoreAsync(b => b.UseAzureBlobStorage(o => Copy(AzureBlobConformanceTests.Options(container), o)), "azure");
    }

    [Fact]
    public async Task FullBackup_ThroughGcsProtocolFake_RestoresTheDatabase()
    {
        _gcs = await GcsProtocolFake.StartAsync();
        await BackupAndRestoreAsync(b => b.UseGcsStorage(o => { o.BucketName = "backups"; o.BaseUri = _gcs.BaseUri; o.ChunkSize = 1 << 20; }), "gcs");
    }

    [Fact]
    public async Task CopyFinishedBackupsTo_Offsite_IsRestorableFromTheOffsiteStoreAlone()
    {
        var bucket = TestServers.UniqueName("bucket");
        (await S3ConformanceTests.CreateAsync(S3ConformanceTests.Options(bucket))).Dispose();
        using var host = Services.Build(TestServer.ConnectionString(_database), _local.Path, _key, b => b
            .AddS3Storage("offsite", o => Copy(S3ConformanceTests.Options(bucket), o))
            .CopyFinishedBackupsTo("offsite"));

        var backup = await host.Service().CreateFullBackupAsync();

        Assert.DoesNotContain(backup.Properties, p => p.Key.StartsWith("copy:", StringComparison.Ordinal));
        // A stranger with the bucket and the key: a new host whose only store is the offsite one.
        using var stranger = Services.Build(TestServer.ConnectionString(_database), Path.Combine(_local.Path, "unused"), _key, b => b.UseS3Storage(o => Copy(S3ConformanceTests.Options(bucket), o)));
        var listed = Assert.Single(await stranger.Service().ListBackupsAsync());
        var restored = await stranger.Service().RestoreFromBackupAsync(listed.Id);
        _restored.Add(restored.TargetDatabase);
        Assert.Empty(restored.RowCountMismatches);
        Assert.Equal(5000L, await TestServer.ScalarAsync<long>(restored.TargetDatabase, "SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task CopyThatFails_KeepsTheBackup_AndIsReported()
    {
        using var host = Services.Build(TestServer.ConnectionString(_database), _local.Path, _key, b => b
            .AddS3Storage("offsite", o => Copy(S3ConformanceTests.Options("unreachable"), o, serviceUrl: "http://127.0.0.1:1"))
            .CopyFinishedBackupsTo("offsite"));
        var service = host.Service();

        var backup = await service.CreateFullBackupAsync();
        var status = await service.GetBackupStatusAsync();

        Assert.Equal(BackupStatus.Completed, backup.Status);
        Assert.StartsWith("failed at ", backup.Properties["copy:offsite"], StringComparison.Ordinal);
        Assert.Equal([backup.Id], status.FailedCopies);
        Assert.True((await service.VerifyBackupAsync(backup.Id)).IsValid);
    }

    [Fact]
    public void CopyToAStoreThatIsNotRegistered_IsAConfigurationErrorNamingIt()
    {
        using var host = Services.Build(TestServer.ConnectionString(_database), _local.Path, _key, b => b.CopyFinishedBackupsTo("nowhere"));

        var error = Assert.Throws<BackupConfigurationException>(() => host.Service());

        Assert.Contains("'nowhere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreOptions_FromConfiguration_AreBoundAndValidatedNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backup:Storage:S3:BucketName"] = "from-config",
            ["Backup:Storage:S3:PartSize"] = "1024",
            ["Backup:Stores:offsite:ContainerName"] = "c",
            ["Backup:Stores:offsite:ConnectionString"] = "UseDevelopmentStorage=true",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddBackupSystem(b => b.UseS3Storage().AddAzureBlobStorage("offsite"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStorageProvider>());
        var offsite = provider.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get("offsite");

        Assert.Contains("Backup:Storage:S3:PartSize must be at least 5 MiB", error.Message, StringComparison.Ordinal);
        Assert.Equal("c", offsite.ContainerName);
    }

    private async Task BackupAndRestoreAsync(Action<BackupSystemBuilder> store, string storeName)
    {
        using var host = Services.Build(TestServer.ConnectionString(_database), _local.Path, _key, store);
        var service = host.Service();
        Assert.Equal(storeName, host.GetRequiredService<IStorageProvider>().Name);

        var backup = await service.CreateFullBackupAsync();
        var verified = await service.VerifyBackupAsync(backup.Id);
        var restored = await service.RestoreFromBackupAsync(backup.Id);
        _restored.Add(restored.TargetDatabase);

        Assert.True(verified.IsValid, string.Join("; ", verified.Checks.Select(c => c.Detail)));
        Assert.Empty(restored.RowCountMismatches);
        Assert.Equal(
            await TestServer.ScalarAsync<string>(_database, "SELECT md5(string_agg(id || note, ',' ORDER BY id)) FROM orders"),
            await TestServer.ScalarAsync<string>(restored.TargetDatabase, "SELECT md5(string_agg(id || note, ',' ORDER BY id)) FROM orders"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_local.Path));
    }

    private static void Copy(S3StorageOptions from, S3StorageOptions to, string? serviceUrl = null)
    {
        to.BucketName = from.BucketName;
        to.ServiceUrl = serviceUrl ?? from.ServiceUrl;
        to.ForcePathStyle = from.ForcePathStyle;
        to.AccessKeyId = from.AccessKeyId;
        to.SecretAccessKey = from.SecretAccessKey;
        to.PartSize = from.PartSize;
        to.Prefix = from.Prefix;
        to.MaxRetries = serviceUrl is null ? from.MaxRetries : 0;
    }

    private static void Copy(AzureBlobStorageOptions from, AzureBlobStorageOptions to)
    {
        to.ConnectionString = from.ConnectionString;
        to.ContainerName = from.ContainerName;
        to.Prefix = from.Prefix;
        to.BlockSize = from.BlockSize;
    }
}
