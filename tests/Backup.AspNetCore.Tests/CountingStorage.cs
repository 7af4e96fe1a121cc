using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;

namespace Backup.AspNetCore.Tests;

/// <summary>A store that counts how often it is listed (the catalog lists it to read the manifests).</summary>
public sealed class CountingStorage(IStorageProvider inner) : IStorageProvider
{
    private int _lists;

    public int Lists => Volatile.Read(ref _lists);

    public string Name => inner.Name;

    public Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lists);
        await foreach (var item in inner.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);
}
