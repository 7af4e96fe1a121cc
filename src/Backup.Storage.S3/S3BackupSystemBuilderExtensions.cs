using Backup.Core.DependencyInjection;
using Backup.Storage.S3;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>UseS3Storage</c> and <c>AddS3Storage</c> for <c>AddBackupSystem</c> (any <see cref="IBackupStorageBuilder"/>).</summary>
public static class S3BackupSystemBuilderExtensions
{
    /// <summary>
    /// Stores backups in S3: options from the <c>Backup:Storage:S3</c> configuration section, then
    /// <paramref name="configure"/>; checked when the host starts.
    /// </summary>
    public static TBuilder UseS3Storage<TBuilder>(this TBuilder builder, Action<S3StorageOptions>? configure = null)
        where TBuilder : IBackupStorageBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .AddStoreOptions<S3StorageOptions, S3StorageOptionsValidator>(null, S3StorageOptions.SectionName, configure)
            .UseStorage(sp => Create(sp, Microsoft.Extensions.Options.Options.DefaultName));
        return builder;
    }

    /// <summary>
    /// Registers an S3 store named <paramref name="name"/> besides the primary one (options from
    /// <c>Backup:Stores:NAME</c>, then <paramref name="configure"/>), e.g. for <c>CopyFinishedBackupsTo(name)</c>.
    /// </summary>
    public static TBuilder AddS3Storage<TBuilder>(this TBuilder builder, string name, Action<S3StorageOptions>? configure = null)
        where TBuilder : IBackupStorageBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder
            .AddStoreOptions<S3StorageOptions, S3StorageOptionsValidator>(name, $"Backup:Stores:{name}", configure)
            .AddStorage(name, sp => Create(sp, name));
        return builder;
    }

    private static S3StorageProvider Create(IServiceProvider services, string name) =>
        new(services.GetRequiredService<IOptionsMonitor<S3StorageOptions>>().Get(name), services.GetService<ILogger<S3StorageProvider>>());
}
