using Backup.Core.Abstractions;

namespace Backup.Storage.Tests;

/// <summary>The conformance suite on the in-memory store that Backup.Storage.Testing ships for unit tests: a fake that breaks the contract would let those tests pass wrongly.</summary>
[ConformanceFor(typeof(MemoryStorageProvider))]
public sealed class MemoryStoreConformanceTests : StorageConformanceTests
{
    protected override Task<IStorageProvider> CreateStoreAsync() => Task.FromResult<IStorageProvider>(new MemoryStorageProvider());
}
