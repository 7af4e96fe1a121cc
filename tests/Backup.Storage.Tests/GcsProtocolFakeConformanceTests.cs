using Backup.Core.Abstractions;
using Backup.Storage.Gcs;

namespace Backup.Storage.Tests;

/// <summary>
/// The conformance suite on Google Cloud Storage — against <see cref="GcsProtocolFake"/>, a protocol
/// fake of the JSON API driven by the real Google.Cloud.Storage.V1 client. No GCS server or
/// emulator exists on these machines; this is not Google's service.
/// </summary>
[ConformanceFor(typeof(GcsStorageProvider))]
public sealed class GcsProtocolFakeConformanceTests : StorageConformanceTests
{
    private const int ChunkSize = 1024 * 1024;
    private GcsProtocolFake? _fake;

    protected override long MultiRequestSize => 6L * ChunkSize;

    protected override async Task<IStorageProvider> CreateStoreAsync()
    {
        _fake = await GcsProtocolFake.StartAsync();
        return new GcsStorageProvider(new GcsStorageOptions
        {
            BucketName = TestServers.UniqueName("bucket"),
            BaseUri = _fake.BaseUri,
            Prefix = "backups/prod",
            ChunkSize = ChunkSize,
            InitialRetryBackoff = TimeSpan.FromMilliseconds(10),
            MaxRetryBackoff = TimeSpan.FromMilliseconds(50),
        });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    [Fact]
    public async Task ServiceUnavailableForAMoment_IsRetriedByTheClient()
    {
        await Store.PutAsync("k", new MemoryStream([1, 2]));
        _fake!.FailNext(2);

        Assert.True(await Store.ExistsAsync("k"));
        Assert.Equal([1, 2], await ReadAllAsync("k"));
    }

    [Fact]
    public void Options_ChunkSizeNotAMultipleOf256KiB_IsRefusedNamingIt()
    {
        var error = Assert.Throws<BackupConfigurationException>(() => new GcsStorageProvider(new GcsStorageOptions { BucketName = "b", ChunkSize = 1000, BaseUri = "http://127.0.0.1:1/storage/v1/" }));

        Assert.Contains("ChunkSize must be a positive multiple of 256 KiB", error.Message, StringComparison.Ordinal);
    }
}
