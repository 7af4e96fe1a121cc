using Backup.Core.Abstractions;
using Backup.Core.Compression;
using Backup.Core.Configuration;
using Backup.Core.Postgres;
using Backup.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Backup.Core.DependencyInjection;

/// <summary>
/// Configures the backup system inside <c>AddBackupSystem</c>. Settings made here win over the
/// configuration section and the environment variables, whatever order they are written in.
/// Store packages add their own <c>UseXxx</c> extension methods through <see cref="IBackupStorageBuilder"/>.
/// </summary>
public sealed class BackupSystemBuilder : IBackupStorageBuilder
{
    internal BackupSystemBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for provider packages' extension methods.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Changes the general options in code.</summary>
    public BackupSystemBuilder Configure(Action<BackupOptions> configure)
    {
        Services.PostConfigure(configure);
        return this;
    }

    /// <summary>Backs up the PostgreSQL database at <paramref name="connectionString"/> (a postgresql:// URL or an Npgsql connection string).</summary>
    public BackupSystemBuilder UsePostgres(string connectionString, Action<PostgresOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Services.PostConfigure<PostgresOptions>(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
        return this;
    }

    /// <summary>Stores backups on the local file system (the default), under BACKUP_DIR, else ./backups.</summary>
    public BackupSystemBuilder UseLocalStorage() => UseLocalStorage(_ => { });

    /// <summary>Stores backups on the local file system under <paramref name="rootPath"/>.</summary>
    public BackupSystemBuilder UseLocalStorage(string rootPath)
    {
        ArgumentNullException.ThrowIfNull(rootPath);
        return UseLocalStorage(o => o.RootPath = rootPath);
    }

    /// <summary>Stores backups on the local file system with these options.</summary>
    public BackupSystemBuilder UseLocalStorage(Action<LocalStorageOptions> configure)
    {
        Services.PostConfigure(configure);
        return UseStorage(sp => new LocalStorageProvider(sp.GetRequiredService<IOptions<LocalStorageOptions>>()));
    }

    /// <summary>Stores backups in the store <paramref name="factory"/> makes (for provider packages).</summary>
    public BackupSystemBuilder UseStorage(Func<IServiceProvider, IStorageProvider> factory)
    {
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>
    /// Registers another store under <paramref name="name"/> (a keyed <see cref="IStorageProvider"/>),
    /// next to the primary one, e.g. an offsite copy (<see cref="CopyFinishedBackupsTo"/>).
    /// </summary>
    public BackupSystemBuilder AddStorage(string name, Func<IServiceProvider, IStorageProvider> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddKeyedSingleton(name, (sp, _) => factory(sp));
        return this;
    }

    /// <summary>
    /// After every backup completes in the primary store, copies its data and manifest to the store
    /// registered as <paramref name="name"/> (<see cref="AddStorage"/>). A copy that fails does not
    /// fail the backup: it is logged as an error and recorded in the backup's manifest
    /// (<c>copy:NAME</c>), which status reports.
    /// </summary>
    public BackupSystemBuilder CopyFinishedBackupsTo(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.PostConfigure<BackupOptions>(o => o.CopyTo = name);
        return this;
    }

    /// <summary>
    /// For store packages: options of type <typeparamref name="TOptions"/> (named <paramref name="name"/>,
    /// or the default ones when null) bound from <paramref name="section"/> of the host's
    /// configuration, then changed by <paramref name="configure"/>, and checked by
    /// <typeparamref name="TValidator"/> when the host starts.
    /// </summary>
    public BackupSystemBuilder AddStoreOptions<TOptions, TValidator>(string? name, string section, Action<TOptions>? configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var options = Services.AddOptions<TOptions>(name ?? Options.DefaultName)
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(section).Bind(o))
            .ValidateOnStart();
        if (configure is not null)
        {
            options.PostConfigure(configure);
        }
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return this;
    }

    IBackupStorageBuilder IBackupStorageBuilder.UseStorage(Func<IServiceProvider, IStorageProvider> factory) => UseStorage(factory);

    IBackupStorageBuilder IBackupStorageBuilder.AddStorage(string name, Func<IServiceProvider, IStorageProvider> factory) => AddStorage(name, factory);

    IBackupStorageBuilder IBackupStorageBuilder.AddStoreOptions<TOptions, TValidator>(string? name, string section, Action<TOptions>? configure) =>
        AddStoreOptions<TOptions, TValidator>(name, section, configure);

    /// <summary>Compresses with Zstandard (the default).</summary>
    /// <param name="level">-7..22; 1 by default (fast enough never to slow a dump; 3 is ~3% smaller and half as fast).</param>
    /// <param name="workers">Extra compression threads; by default 2 on a machine with 2 or more cores.</param>
    public BackupSystemBuilder UseZstd(int level = CompressorFactory.DefaultLevel, int? workers = null) => UseCompression(ZstdCompressor.AlgorithmName, level, workers);

    /// <summary>Compresses with gzip, level 0..9 (1 by default).</summary>
    public BackupSystemBuilder UseGzip(int level = 1) => UseCompression(GzipCompressor.AlgorithmName, level, null);

    /// <summary>Compresses with Brotli, quality 0..11 (1 by default).</summary>
    public BackupSystemBuilder UseBrotli(int quality = 1) => UseCompression(BrotliCompressor.AlgorithmName, quality, null);

    /// <summary>
    /// Compresses with a codec of the host's own. Its <see cref="ICompressor.Name"/> is written into
    /// every manifest, and backups carrying that name are read back with it, so keep the name (and
    /// the format) as long as such backups exist. Its decompression stream must leave the source
    /// open. Names of the built-in codecs are refused: their backups are always read by the built-in.
    /// </summary>
    /// <exception cref="ArgumentException">The codec has no name, or a built-in codec's.</exception>
    public BackupSystemBuilder UseCompressor(ICompressor compressor)
    {
        ArgumentNullException.ThrowIfNull(compressor);
        if (string.IsNullOrWhiteSpace(compressor.Name) || CompressorCatalog.Names.Contains(compressor.Name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"A codec of the host's own needs a name of its own, not empty and none of the built-in ones ({string.Join(", ", CompressorCatalog.Names)}): the name in a manifest says which codec reads the backup.", nameof(compressor));
        }
        Services.Replace(ServiceDescriptor.Singleton(compressor));
        return this;
    }

    /// <summary>Stores backups uncompressed.</summary>
    public BackupSystemBuilder UseNoCompression() => UseCompression(NoCompressor.AlgorithmName, null, null);

    /// <summary>Encrypts new backups with AES-256-GCM under the configured key and reads backups sealed by any configured key.</summary>
    public BackupSystemBuilder UseAesGcmEncryption(Action<BackupEncryptionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.PostConfigure<BackupEncryptionOptions>(o =>
        {
            configure(o);
            o.Enabled ??= o.Key is not null;
        });
        return this;
    }

    /// <summary>
    /// Leaves the scheduler's hosted service out: schedules do not run in this host. <see cref="IScheduler"/>
    /// stays, so this host can still list, change and force-run schedules while another host, which
    /// keeps the hosted service, runs them on time (as a Hangfire client beside a Hangfire server). For
    /// the same choice from configuration without a rebuild, set <c>Backup:Scheduler:Enabled</c> to false.
    /// </summary>
    public BackupSystemBuilder WithoutHostedScheduler()
    {
        BackupHostedServices.RemoveScheduler(Services);
        return this;
    }

    /// <summary>
    /// Leaves out the hosted service that checks the change-capture slots' lag
    /// (<see cref="PostgresOptions.MaxSlotLagMegabytes"/>) and sends their heartbeats
    /// (<see cref="PostgresOptions.HeartbeatInterval"/>) while the host runs; the health check
    /// still reports a slot over its limit, and <see cref="BackupService.SendSlotHeartbeatsAsync"/>
    /// sends a heartbeat on demand.
    /// </summary>
    public BackupSystemBuilder WithoutHostedSlotLagMonitor()
    {
        BackupHostedServices.RemoveSlotLagMonitor(Services);
        return this;
    }

    /// <summary>
    /// Turns on continuous capture (<see cref="Continuous.ContinuousCaptureOptions"/>): while the host
    /// runs, the newest chain's slot stays open and its changes are stored every
    /// <see cref="Continuous.ContinuousCaptureOptions.FlushInterval"/>. Needs change capture on
    /// (<see cref="PostgresOptions.ChangeCapture"/>) and a full backup that started a chain.
    /// </summary>
    public BackupSystemBuilder UseContinuousCapture(Action<Continuous.ContinuousCaptureOptions>? configure = null)
    {
        Services.PostConfigure<Continuous.ContinuousCaptureOptions>(o =>
        {
            o.Enabled = true;
            configure?.Invoke(o);
        });
        return this;
    }

    /// <summary>
    /// Sends notifications (failed backups, broken chains, failed drills and copies, health changes) to
    /// a webhook, configured in code over <c>Backup:Notifications:Webhook</c> and BACKUP_WEBHOOK_*.
    /// </summary>
    public BackupSystemBuilder UseWebhookNotifications(Action<Notifications.WebhookNotificationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.PostConfigure<Notifications.BackupNotificationOptions>(o => configure(o.Webhook));
        return this;
    }

    /// <summary>Adds a sender of notifications (one message per incident and one when it resolves), created by the container.</summary>
    public BackupSystemBuilder AddNotifier<TNotifier>()
        where TNotifier : class, Notifications.IBackupNotifier
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<Notifications.IBackupNotifier, TNotifier>());
        return this;
    }

    /// <summary>Adds a sender of notifications made by <paramref name="factory"/>.</summary>
    public BackupSystemBuilder AddNotifier(Func<IServiceProvider, Notifications.IBackupNotifier> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Leaves continuous capture out of the host (a one-shot tool, or a replica that must not read the slot), whatever the configuration says.</summary>
    public BackupSystemBuilder WithoutHostedContinuousCapture()
    {
        BackupHostedServices.RemoveContinuousCapture(Services);
        return this;
    }

    /// <summary>
    /// Leaves out the hosted service that lists the catalog once at start so that the metrics' gauges
    /// show the store from the first scrape (a one-shot tool has no scrape to serve); the gauges then
    /// have no sample until something lists the catalog.
    /// </summary>
    public BackupSystemBuilder WithoutHostedCatalogLoader()
    {
        BackupHostedServices.RemoveCatalogLoader(Services);
        return this;
    }

    private BackupSystemBuilder UseCompression(string algorithm, int? level, int? workers)
    {
        Services.PostConfigure<BackupCompressionOptions>(o =>
        {
            o.Algorithm = algorithm;
            o.Level = level;
            o.Workers = workers ?? o.Workers;
        });
        return this;
    }
}
