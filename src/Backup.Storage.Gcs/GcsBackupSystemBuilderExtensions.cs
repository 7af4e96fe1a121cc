using Backup.Core.DependencyInjection;
using Backup.Storage.Gcs;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>UseGcsStorage</c> and <c>AddGcsStorage</c> for <c>AddBackupSystem</c> (any <see cref="IBackupStorageBuilder"/>).</summary>
public static class GcsBackupSystemBuilderExtensions
{
    /// <summary>Stores backups in Google Cloud Storage: options from the <c>Backup:Storage:Gcs</c> configuration section, then <paramref name="configure"/>; checked when the host starts.</summary>
    public static TBuilder UseGcsStorage<TBuilder>(this TBuilder builder, Action<GcsStorageOptions>? configure = null)
        where TBuilder : IBackupStorageBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .AddStoreOptions<GcsStorageOptions, GcsStorageOptionsValidator>(null, GcsStorageOptions.SectionName, configure)
            .UseStorage(sp => new GcsStorageProvider(sp.GetRequiredService<IOptionsMonitor<GcsStorageOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName)));
        return builder;
    }

    /// <summary>Registers a Google Cloud Storage store named <paramref name="name"/> besides the primary one (options from <c>Backup:Stores:NAME</c>, then <paramref name="configure"/>).</summary>
    public static TBuilder AddGcsStorage<TBuilder>(this TBuilder builder, string name, Action<GcsStorageOptions>? configure = null)
        where TBuilder : IBackupStorageBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder
            .AddStoreOptions<GcsStorageOptions, GcsStorageOptionsValidator>(name, $"Backup:Stores:{name}", configure)
            .AddStorage(name, sp => new GcsStorageProvider(sp.GetRequiredService<IOptionsMonitor<GcsStorageOptions>>().Get(name)));
        return builder;
    }
}
