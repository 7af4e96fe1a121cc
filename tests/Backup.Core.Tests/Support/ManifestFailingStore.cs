using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Tests.Support;

/// <summary>An in-memory store whose backup manifests cannot be written (the data objects can): the commit point fails.</summary>
internal sealed class ManifestFailingStore(MemoryStorageProvider inner) : IStorageProvider
{
    /// <summary>Whether manifests are refused now (from the start unless turned off).</summary>
    public bool Refusing { get; set; } = true;

    public string Name => inner.Name;

    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        Refusing && key.StartsWith(BackupCatalog.MetadataPrefix, StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal)
            ? throw new BackupStorageException("the store refuses manifests (test)", null, isTransient: false)
            : await inner.PutAsync(key, content, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);
}
