using System.Reflection;
using Backup.Core.Abstractions;
using Backup.Core.Storage;
using Backup.Storage.Azure;
using Backup.Storage.Gcs;
using Backup.Storage.S3;

namespace Backup.Storage.Tests;

/// <summary>Every store the packages ship (the in-memory one of Backup.Storage.Testing too) runs the conformance suite: a new store without a subclass fails here.</summary>
public class ConformanceCoverageTests
{
    [Fact]
    public void EveryShippedStore_HasAConformanceSubclass()
    {
        var shipped = new[] { typeof(LocalStorageProvider), typeof(S3StorageProvider), typeof(AzureBlobStorageProvider), typeof(GcsStorageProvider), typeof(MemoryStorageProvider) }
            .Select(t => t.Assembly).Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IStorageProvider).IsAssignableFrom(t))
            .ToHashSet();
        var covered = typeof(ConformanceCoverageTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(StorageConformanceTests)))
            .Select(t => t.GetCustomAttribute<ConformanceForAttribute>()?.Provider)
            .ToHashSet();

        Assert.Equal(5, shipped.Count);
        Assert.Empty(shipped.Where(t => !covered.Contains(t)).Select(t => t.FullName));
    }
}
