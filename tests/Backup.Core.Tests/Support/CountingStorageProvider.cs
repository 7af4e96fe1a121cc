using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;

namespace Backup.Core.Tests.Support;

/// <summary>A store that counts the LISTs and GETs that reach the store it wraps.</summary>
public sealed class CountingStorageProvider(IStorageProvider inner) : IStorageProvider
{
    private int _lists;
    private int _reads;

    public int Lists => Volatile.Read(ref _lists);

    public int Reads => Volatile.Read(ref _reads);

    public string Name => inner.Name;

    public void Reset()
    {
        Interlocked.Exchange(ref _lists, 0);
        Interlocked.Exchange(ref _reads, 0);
    }

    public Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return inner.OpenReadAsync(key, cancellationToken);
    }

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
