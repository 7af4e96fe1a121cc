using Azure.Core;
using Backup.Core.DependencyInjection;
using Backup.Storage.Azure;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>UseAzureBlobStorage</c> and <c>AddAzureBlobStorage</c> for <c>AddBackupSystem</c> (any <see cref="IBackupStorageBuilder"/>).</summary>
public static class AzureBackupSystemBuilderExtensions
{
    /// <summary>
    /// Stores backups in Azure Blob Storage: options from the <c>Backup:Storage:Azure</c>
    /// configuration section, then <paramref name="configure"/>; checked when the host starts.
    /// With <see cref="AzureBlobStorageOptions.ServiceUri"/>, <paramref name="credential"/> (or DefaultAzureCredential) signs requests.
    /// </summary>
    public static TBuilder UseAzureBlobStorage<TBuilder>(this TBuilder builder, Action<AzureBlobStorageOptions>? configure = null, TokenCredential? credential = null)
        where TBuilder : IBackupStorageBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .AddStoreOptions<AzureBlobStorageOptions, AzureBlobStorageOptionsValidator>(null, AzureBlobStorageOptions.SectionName, configure)
            .UseStorage(sp => new AzureBlobStorageProvider(sp.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName), credential));
        return builder;
    }

    /// <summary>Registers an Azure Blob store named <paramref name="name"/> besides the primary one (options from <c>Backup:Stores:NAME</c>, then <paramref name="configure"/>).</summary>
    public static TBuilder AddAzureBlobStorage<TBuilder>(this TBuilder builder, string name, Action<AzureBlobStorageOptions>? configure = null, TokenCredential? credential = null)
        where TBuilder : IBackupStorageBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder
            .AddStoreOptions<AzureBlobStorageOptions, AzureBlobStorageOptionsValidator>(name, $"Backup:Stores:{name}", configure)
            .AddStorage(name, sp => new AzureBlobStorageProvider(sp.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(name), credential));
        return builder;
    }
}
