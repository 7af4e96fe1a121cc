using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.DependencyInjection;
using Backup.Core.Encryption;
using Backup.Core;
using Backup.Core.Pipeline;
using Backup.Core.Postgres;
using Backup.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// In the framework's namespace, like every AddXxx, so that Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers Backup.Core in a host's services.</summary>
public static class BackupServiceCollectionExtensions
{
    /// <summary>
    /// Adds the backup system: options (environment variables, then the <c>Backup</c> section of the
    /// host's configuration, then <paramref name="configure"/>; later sources win), validated at
    /// start; local storage under BACKUP_DIR unless another store is chosen; zstd compression;
    /// AES-256-GCM encryption when a key is configured.
    /// </summary>
    public static IServiceCollection AddBackupSystem(this IServiceCollection services, Action<BackupSystemBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(EnvironmentOptionsSetup)))
        {
            // Called again (e.g. by a provider package): the core is registered; only apply the new settings.
            configure?.Invoke(new BackupSystemBuilder(services));
            return services;
        }

        services.TryAddSingleton<BackupEnvironment>();
        services.TryAddSingleton<EnvironmentOptionsSetup>();
        // Order matters: environment first, then the configuration section; code uses PostConfigure and wins.
        services.AddSingleton<IConfigureOptions<BackupOptions>>(sp => sp.GetRequiredService<EnvironmentOptionsSetup>());
        services.AddSingleton<IConfigureOptions<BackupEncryptionOptions>>(sp => sp.GetRequiredService<EnvironmentOptionsSetup>());
        services.AddSingleton<IConfigureOptions<LocalStorageOptions>>(sp => sp.GetRequiredService<EnvironmentOptionsSetup>());
        AddOptions<BackupOptions, BackupOptionsValidator>(services, BackupOptions.SectionName);
        AddOptions<BackupCompressionOptions, BackupCompressionOptionsValidator>(services, $"{BackupOptions.SectionName}:Compression");
        AddOptions<BackupEncryptionOptions, BackupEncryptionOptionsValidator>(services, $"{BackupOptions.SectionName}:Encryption");
        AddOptions<LocalStorageOptions, LocalStorageOptionsValidator>(services, $"{BackupOptions.SectionName}:Storage:Local");
        services.AddSingleton<IConfigureOptions<PostgresOptions>>(sp => sp.GetRequiredService<EnvironmentOptionsSetup>());
        // Backup:DatabaseUrl is the configuration twin of DATABASE_URL; Backup:Postgres:ConnectionString, bound next, wins over it.
        services.AddOptions<PostgresOptions>().Configure<IServiceProvider>((o, sp) =>
            o.ConnectionString = sp.GetService<IConfiguration>()?[$"{BackupOptions.SectionName}:DatabaseUrl"] ?? o.ConnectionString);
        AddOptions<PostgresOptions, PostgresOptionsValidator>(services, $"{BackupOptions.SectionName}:Postgres");
        services.TryAddSingleton(TimeProvider.System);
        AddNotifications(services);

        services.TryAddSingleton<IStorageProvider>(sp => new LocalStorageProvider(sp.GetRequiredService<IOptions<LocalStorageOptions>>()));
        services.TryAddSingleton(sp => CompressorFactory.Create(sp.GetRequiredService<IOptions<BackupCompressionOptions>>().Value));
        services.TryAddSingleton<IEncryptor>(sp =>
            EncryptorFactory.Create(sp.GetRequiredService<IOptions<BackupEncryptionOptions>>().Value)
            ?? throw new BackupConfigurationException(BackupEnvironmentVariables.EncryptionKey, "No encryption key is configured (BACKUP_ENCRYPTION_KEY or Backup:Encryption:Key)."));
        services.TryAddSingleton(sp =>
        {
            var encryption = sp.GetRequiredService<IOptions<BackupEncryptionOptions>>().Value;
            var encryptor = EncryptorFactory.BuildKeyRing(encryption) is null ? null : sp.GetRequiredService<IEncryptor>();
            return new BackupPipeline(
                sp.GetRequiredService<IStorageProvider>(),
                sp.GetRequiredService<Backup.Core.Abstractions.ICompressor>(),
                encryptor,
                EncryptorFactory.EncryptsByDefault(encryption),
                EncryptorFactory.RequiresEncryption(encryption));
        });

        // Operation records in the store every replica shares, sealed with the key ring when there is one.
        services.TryAddSingleton(sp => new Backup.Core.OperationRecords.OperationRecordStore(
            sp.GetRequiredService<BackupPipeline>().Storage,
            EncryptorFactory.BuildKeyRing(sp.GetRequiredService<IOptions<BackupEncryptionOptions>>().Value) is null ? null : sp.GetRequiredService<IEncryptor>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<Backup.Core.OperationRecords.OperationRecordStore>>()));

        // One catalog per host: the service saves, lists and deletes through it, and the gauges read
        // what it holds, so a listing does not read every manifest again.
        services.TryAddSingleton(sp => EncryptorFactory.CreateCatalog(
            sp.GetRequiredService<BackupPipeline>().Storage,
            sp.GetRequiredService<IOptions<BackupEncryptionOptions>>().Value));

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresOptions>>().Value;
            return new PostgresBackupEngine(
                PostgresConnectionInfo.Parse(options.ConnectionString ?? throw new BackupConfigurationException(BackupEnvironmentVariables.DatabaseUrl, "No database is configured: set DATABASE_URL (or Backup:DatabaseUrl), or call UsePostgres(...) in AddBackupSystem.")),
                options,
                sp.GetRequiredService<ILogger<PostgresBackupEngine>>());
        });
        // The engine behind the public seam, for hosts that back up or restore a stream themselves.
        services.TryAddSingleton<IBackupEngine>(sp => sp.GetRequiredService<PostgresBackupEngine>());
        services.TryAddSingleton(sp =>
        {
            var database = sp.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString;
            var general = sp.GetRequiredService<IOptions<BackupOptions>>().Value;
            (string, IStorageProvider)? copyTo = general.CopyTo is { } name
                ? (name, sp.GetKeyedService<IStorageProvider>(name)
                    ?? throw new BackupConfigurationException("Backup:CopyTo", $"Backups are to be copied to the store '{name}', but no store has that name: register it with AddS3Storage/AddAzureBlobStorage/AddGcsStorage(\"{name}\", ...) or AddStorage."))
                : null;
            var pipeline = sp.GetRequiredService<BackupPipeline>();
            var drills = sp.GetRequiredService<IOptions<Backup.Core.Drills.RestoreDrillsOptions>>().Value;
            return BackupFeatures.Create(
                pipeline,
                sp.GetRequiredService<Backup.Core.Catalog.BackupCatalog>(),
                database is null ? null : sp.GetRequiredService<PostgresBackupEngine>(),
                general,
                sp.GetRequiredService<IOptions<Backup.Core.Retention.RetentionRules>>().Value,
                sp.GetRequiredService<Backup.Core.Monitoring.BackupMetrics>(),
                copyTo,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<BackupService>>(),
                drills,
                database is null ? null : DrillTarget(sp, drills),
                sp.GetRequiredService<Backup.Core.Notifications.BackupNotifications>());
        });
        services.TryAddSingleton(sp => new BackupService(sp.GetRequiredService<BackupFeatures>()));

        // Continuous capture: a room of its own over the features' catalog, pipeline and slot guard.
        AddOptions<Backup.Core.Continuous.ContinuousCaptureOptions, Backup.Core.Continuous.ContinuousCaptureOptionsValidator>(services, Backup.Core.Continuous.ContinuousCaptureOptions.SectionName);
        services.TryAddSingleton(sp =>
        {
            var features = sp.GetRequiredService<BackupFeatures>();
            var postgres = sp.GetRequiredService<IOptions<PostgresOptions>>().Value;
            Func<CancellationToken, Task>? newChain = postgres.NewChainOnSchemaChange
                ? ct => features.FullBackups.CreateAsync(new Backup.Core.Operations.FullBackupOptions { WaitIfBusy = true, Comment = "new chain: a table changed under continuous capture" }, null, ct)
                : null;
            return new Backup.Core.Continuous.ContinuousCapture(
                sp.GetRequiredService<PostgresBackupEngine>(),
                features.Catalog,
                sp.GetRequiredService<BackupPipeline>(),
                features.SlotGuard,
                sp.GetRequiredService<IOptions<Backup.Core.Continuous.ContinuousCaptureOptions>>().Value,
                features.Capture,
                newChain,
                (after, ct) => features.Compaction.CompactAsync(new Backup.Core.Compaction.SegmentCompactionOptions { CompactAfter = after }, ct),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<Backup.Core.Continuous.ContinuousCapture>>());
        });

        // Monitoring: the meter, and the health check's options (the check is added with AddHealthChecks().AddBackupHealthCheck()).
        services.TryAddSingleton(sp => new Backup.Core.Monitoring.BackupMetrics(
            sp.GetRequiredService<Backup.Core.Catalog.BackupCatalog>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        AddOptions<Backup.Core.Health.BackupHealthOptions, Backup.Core.Health.BackupHealthOptionsValidator>(services, Backup.Core.Health.BackupHealthOptions.SectionName);
        AddOptions<Backup.Core.Drills.RestoreDrillsOptions, Backup.Core.Drills.RestoreDrillsOptionsValidator>(services, Backup.Core.Drills.RestoreDrillsOptions.SectionName);

        // Scheduling and retention.
        AddOptions<Backup.Core.Retention.RetentionRules, Backup.Core.Retention.RetentionRulesValidator>(services, Backup.Core.Retention.RetentionRules.SectionName);
        AddOptions<Backup.Core.Scheduling.SchedulerOptions, Backup.Core.Scheduling.SchedulerOptionsValidator>(services, Backup.Core.Scheduling.SchedulerOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackupOptions>, Backup.Core.Scheduling.ConfiguredSchedulesValidator>());
        services.TryAddSingleton<Backup.Core.Scheduling.IScheduleRunLock>(sp =>
            sp.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString is { } connection
                ? new Backup.Core.Scheduling.PostgresScheduleRunLock(PostgresConnectionInfo.Parse(connection))
                : new Backup.Core.Scheduling.InProcessScheduleRunLock());
        services.TryAddSingleton<Backup.Core.Scheduling.IScheduledBackupRunner>(sp => new Backup.Core.Scheduling.ScheduledBackupRunner(sp.GetRequiredService<BackupService>()));
        services.TryAddSingleton<Backup.Core.Scheduling.BackupScheduler>();
        services.TryAddSingleton<Backup.Core.Abstractions.IScheduler>(sp => sp.GetRequiredService<Backup.Core.Scheduling.BackupScheduler>());

        // The scheduler's run loop, and the slot lag monitor (idle unless change capture and a slot lag
        // limit are configured); both run only in a host, and either can be left out with the builder.
        BackupHostedServices.Add(services);

        configure?.Invoke(new BackupSystemBuilder(services));
        return services;
    }

    // The dispatcher and its senders: the webhook when a URL is configured, then every IBackupNotifier
    // registered (AddNotifier, the SMTP package). The container disposes it: queued messages get a grace period.
    private static void AddNotifications(IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<Backup.Core.Notifications.BackupNotificationOptions>, Backup.Core.Notifications.NotificationEnvironmentSetup>();
        AddOptions<Backup.Core.Notifications.BackupNotificationOptions, Backup.Core.Notifications.BackupNotificationOptionsValidator>(services, Backup.Core.Notifications.BackupNotificationOptions.SectionName);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<Backup.Core.Notifications.BackupNotificationOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILogger<Backup.Core.Notifications.BackupNotifications>>();
            var notifiers = new List<Backup.Core.Notifications.IBackupNotifier>();
            if (options.Webhook.Url is not null)
            {
                // One client for the host's life, with pooled connections renewed (DNS changes are seen):
                // what IHttpClientFactory gives, without making Backup.Core depend on it.
                var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
                notifiers.Add(new Backup.Core.Notifications.WebhookNotifier(http, options.Webhook, time, logger));
            }
            notifiers.AddRange(sp.GetServices<Backup.Core.Notifications.IBackupNotifier>());
            return new Backup.Core.Notifications.BackupNotifications(notifiers, time, logger, options.ShutdownGrace, options.NotifierTimeout);
        });
    }

    // Another server for the drills' scratch databases: an engine of its own (its pg_restore matched to its
    // version) that still names the backed-up database, whose chains the drills recover.
    private static (Backup.Core.Engine.IDatabaseEngine, string)? DrillTarget(IServiceProvider sp, Backup.Core.Drills.RestoreDrillsOptions drills)
    {
        if (drills.TargetConnectionString is not { } target)
        {
            return null;
        }
        var source = sp.GetRequiredService<PostgresBackupEngine>();
        var server = PostgresConnectionInfo.Parse(target, $"{Backup.Core.Drills.RestoreDrillsOptions.SectionName}:TargetConnectionString");
        var engine = new PostgresBackupEngine(
            server.WithDatabase(source.Connection.Database),
            sp.GetRequiredService<IOptions<PostgresOptions>>().Value,
            sp.GetRequiredService<ILogger<PostgresBackupEngine>>());
        return (engine, $"{server.Host}:{server.Port}");
    }

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>()
            .Configure<IServiceProvider>((options, sp) => sp.GetService<IConfiguration>()?.GetSection(section).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
