using Amazon.S3;
using Backup.Core.Abstractions;
using Backup.Storage.S3;

namespace Backup.Storage.Tests;

/// <summary>The conformance suite on S3, against s3rver (a real S3 server started by scripts/test.sh).</summary>
[ConformanceFor(typeof(S3StorageProvider))]
public sealed class S3ConformanceTests : StorageConformanceTests
{
    private const int FiveMiB = 5 * 1024 * 1024;

    /// <summary>Options for a fresh bucket on s3rver, with small parts so uploads here are multipart.</summary>
    public static S3StorageOptions Options(string bucket, Action<S3StorageOptions>? change = null)
    {
        var options = new S3StorageOptions
        {
            BucketName = bucket,
            ServiceUrl = TestServers.S3Endpoint,
            ForcePathStyle = true,
            AccessKeyId = "S3RVER",
            SecretAccessKey = "S3RVER",
            PartSize = FiveMiB,
            ParallelParts = 3,
            MaxRetries = 1,
            Prefix = "backups/prod",
        };
        change?.Invoke(options);
        return options;
    }

    public static async Task<S3StorageProvider> CreateAsync(S3StorageOptions options)
    {
        var provider = new S3StorageProvider(options);
        using var admin = new AmazonS3Client("S3RVER", "S3RVER", new AmazonS3Config { ServiceURL = options.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await admin.PutBucketAsync(options.BucketName);
        return provider;
    }

    protected override long MultiRequestSize => 3L * FiveMiB;

    protected override async Task<IStorageProvider> CreateStoreAsync() => await CreateAsync(Options(TestServers.UniqueName("bucket")));

    [Fact]
    public async Task PartCountLimit_IsRespectedByGrowingTheParts()
    {
        // 60 MiB in 5 MiB parts would need 12; with at most 4, parts grow to 5, 10, 20, 40 MiB.
        var bucket = TestServers.UniqueName("bucket");
        using var limited = await CreateAsync(Options(bucket, o => o.MaxPartCount = 4));
        const long size = 60L * 1024 * 1024;

        await limited.PutAsync("grown", TestStreams.Seeded(size, 11));
        await using var read = await limited.OpenReadAsync("grown");

        Assert.Equal(TestStreams.SeededSha256(size, 11), await TestStreams.Sha256Async(read));
        var tooBig = await Assert.ThrowsAsync<BackupStorageException>(() => limited.PutAsync("too-big", TestStreams.Seeded(80L * 1024 * 1024, 12)));
        Assert.Contains("larger than 4 parts can hold", tooBig.Message, StringComparison.Ordinal);
        Assert.False(await limited.ExistsAsync("too-big"));
    }

    [Fact]
    public async Task UnreachableServer_IsATransientStorageError()
    {
        using var store = new S3StorageProvider(Options("nowhere", o =>
        {
            o.ServiceUrl = "http://127.0.0.1:1";
            o.MaxRetries = 0;
            o.SecretAccessKey = "very-secret-value";
        }));

        var error = await Assert.ThrowsAsync<BackupStorageException>(() => store.ExistsAsync("k"));

        Assert.True(error.IsTransient);
        Assert.DoesNotContain("very-secret-value", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PartPlan_DoublesEveryEighthOfTheAllowedParts()
    {
        Assert.Equal([5, 5, 10, 10, 20], Enumerable.Range(0, 5).Select(i => S3PartPlan.SizeOf(i, 5, 16)));
        Assert.True(S3PartPlan.Capacity(16L << 20, 10_000) > 1L << 40, "10,000 parts of 16 MiB growing must hold more than 1 TiB");
    }
}
