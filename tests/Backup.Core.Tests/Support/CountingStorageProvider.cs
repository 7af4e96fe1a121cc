using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;

namespace Backup.Core.Tests.Support;

/// <summary>
/// A store that counts the LISTs and GETs that reach the store it wraps, and can run something in the
/// middle of them (what another operation of the same process does meanwhile).
/// </summary>
public sealed class CountingStorageProvider(IStorageProvider inner) : IStorageProvider
{
    private int _lists;
    private int _reads;

    public int Lists => Volatile.Read(ref _lists);

    public int Reads => Volatile.Read(ref _reads);

    public string Name => inner.Name;

    /// <summary>Runs after the store has listed, before the listing's caller sees the first item.</summary>
    public Func<Task>? DuringList { get; set; }

    /// <summary>Runs after an object was opened for reading, before the reader gets it.</summary>
    public Func<string, Task>? AfterOpen { get; set; }

    /// <summary>Runs after a put has stored its object, before the caller hears so.</summary>
    public Func<string, Task>? AfterPut { get; set; }

    public void Reset()
    {
        Interlocked.Exchange(ref _lists, 0);
        Interlocked.Exchange(ref _reads, 0);
    }

    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var stored = await inner.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
        if (AfterPut is { } after)
        {
            await after(key).ConfigureAwait(false);
        }
        return stored;
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        var stream = await inner.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (AfterOpen is { } after)
        {
            await after(key).ConfigureAwait(false);
        }
        return stream;
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lists);
        var items = new List<StoredObject>();
        await foreach (var item in inner.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            items.Add(item);
        }
        if (DuringList is { } during)
        {
            await during().ConfigureAwait(false);
        }
        foreach (var item in items)
        {
            yield return item;
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);
}
