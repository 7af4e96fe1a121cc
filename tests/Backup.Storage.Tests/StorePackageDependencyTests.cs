using System.Reflection;
using Backup.Core.Abstractions;
using Backup.Storage.Azure;
using Backup.Storage.Gcs;
using Backup.Storage.S3;

namespace Backup.Storage.Tests;

/// <summary>A store package is built on Backup.Storage.Abstractions alone: it never makes its users load Backup.Core and with it Npgsql, ZstdNet and Cronos.</summary>
public class StorePackageDependencyTests
{
    public static TheoryData<string> StoreAssemblies => new()
    {
        typeof(IStorageProvider).Assembly.GetName().Name!,
        typeof(S3StorageProvider).Assembly.GetName().Name!,
        typeof(AzureBlobStorageProvider).Assembly.GetName().Name!,
        typeof(GcsStorageProvider).Assembly.GetName().Name!,
        typeof(MemoryStorageProvider).Assembly.GetName().Name!,
    };

    [Theory]
    [MemberData(nameof(StoreAssemblies))]
    public void StoreAssembly_DoesNotReferenceTheCoreOrItsDependencies(string assemblyName)
    {
        var references = Assembly.Load(assemblyName).GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Backup.Core", references);
        Assert.DoesNotContain(references, r => r is not null && (r.StartsWith("Npgsql", StringComparison.Ordinal) || r.StartsWith("ZstdNet", StringComparison.Ordinal) || r.StartsWith("Cronos", StringComparison.Ordinal)));
    }

    [Fact]
    public void StoreContract_LivesInTheAbstractionsAssembly_UnderItsOldNamespaces()
    {
        Assert.Equal("Backup.Storage.Abstractions", typeof(IStorageProvider).Assembly.GetName().Name);
        Assert.Equal("Backup.Core.Abstractions", typeof(IStorageProvider).Namespace);
        Assert.Equal("Backup.Core.Storage", typeof(Core.Storage.StorageKey).Namespace);
    }
}
