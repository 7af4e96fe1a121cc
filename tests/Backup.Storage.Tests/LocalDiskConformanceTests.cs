using Backup.Core.Abstractions;
using Backup.Core.Storage;

namespace Backup.Storage.Tests;

/// <summary>The conformance suite on the local-disk store.</summary>
[ConformanceFor(typeof(LocalStorageProvider))]
public sealed class LocalDiskConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly TempDirectory _root = new();

    protected override Task<IStorageProvider> CreateStoreAsync() =>
        Task.FromResult<IStorageProvider>(new LocalStorageProvider(new LocalStorageOptions { RootPath = _root.Path, FlushToDisk = false }));

    public void Dispose() => _root.Dispose();
}
