using Backup.Core.Abstractions;
using Backup.Core.Engine;
using Backup.Core.Catalog;
using Backup.Core.Compression;
using Backup.Core.Configuration;
using Backup.Core.Monitoring;
using Backup.Core.Pipeline;
using Backup.Core.Retention;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Orchestration;

/// <summary>The feature services over an in-memory store and the fake engine, as the container composes them.</summary>
internal sealed class OrchestrationHarness
{
    public OrchestrationHarness(DatabaseSettings? settings = null, IStorageProvider? store = null, (string, IStorageProvider)? copyTo = null, bool withMetrics = false)
    {
        Engine.Settings = settings ?? new DatabaseSettings();
        Store = store ?? Memory;
        var pipeline = new BackupPipeline(Store, new NoCompressor());
        var catalog = new BackupCatalog(Store);
        Metrics = withMetrics ? new BackupMetrics(catalog) : null;
        Features = BackupFeatures.Create(pipeline, catalog, Engine, new BackupOptions(), new RetentionRules(), Metrics, copyTo, Time, NullLogger.Instance);
        Service = new BackupService(Features);
    }

    public MemoryStorageProvider Memory { get; } = new();

    public IStorageProvider Store { get; }

    public FakeDatabaseEngine Engine { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));

    public BackupFeatures Features { get; }

    public BackupService Service { get; }

    public BackupMetrics? Metrics { get; }

    public IReadOnlyList<string> DataObjects => [.. Memory.Keys.Where(k => !k.StartsWith(BackupCatalog.MetadataPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
}
