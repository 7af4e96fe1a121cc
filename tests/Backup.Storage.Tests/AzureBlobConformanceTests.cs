using Backup.Core.Abstractions;
using Backup.Storage.Azure;

namespace Backup.Storage.Tests;

/// <summary>The conformance suite on Azure Blob Storage, against Azurite (Microsoft's emulator, started by scripts/test.sh).</summary>
[ConformanceFor(typeof(AzureBlobStorageProvider))]
public sealed class AzureBlobConformanceTests : StorageConformanceTests
{
    // Azurite's well-known development account (published by Microsoft; not a secret).
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int OneMiB = 1024 * 1024;

    /// <summary>Options for a fresh container on Azurite, with 1 MiB blocks so uploads here span many.</summary>
    public static AzureBlobStorageOptions Options(string container) => new()
    {
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};BlobEndpoint={TestServers.AzureBlobEndpoint};",
        ContainerName = container,
        Prefix = "backups/prod",
        BlockSize = OneMiB,
        ParallelBlocks = 4,
        MaxRetries = 1,
    };

    public static async Task<AzureBlobStorageProvider> CreateAsync(AzureBlobStorageOptions options)
    {
        var provider = new AzureBlobStorageProvider(options);
        await provider.EnsureContainerAsync();
        return provider;
    }

    protected override long MultiRequestSize => 6L * OneMiB;

    protected override async Task<IStorageProvider> CreateStoreAsync() => await CreateAsync(Options(TestServers.UniqueName("container")));

    [Fact]
    public async Task UnreachableService_IsATransientStorageError_WithoutTheKey()
    {
        var options = Options("nowhere");
        options.ConnectionString = options.ConnectionString!.Replace(TestServers.AzureBlobEndpoint, "http://127.0.0.1:1/devstoreaccount1", StringComparison.Ordinal);
        options.MaxRetries = 0;
        var store = new AzureBlobStorageProvider(options);

        var error = await Assert.ThrowsAsync<BackupStorageException>(() => store.ExistsAsync("k"));

        Assert.True(error.IsTransient);
        Assert.DoesNotContain(DevAccountKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WithTwoWaysToAuthenticate_AreRefusedNamingTheSettings()
    {
        var options = Options("c");
        options.ServiceUri = "https://example.blob.core.windows.net";

        var error = Assert.Throws<BackupConfigurationException>(() => new AzureBlobStorageProvider(options));

        Assert.Contains("exactly one of ConnectionString, ContainerSasUri or ServiceUri", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DevAccountKey, error.Message, StringComparison.Ordinal);
    }
}
