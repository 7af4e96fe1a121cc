using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;

namespace Backup.AspNetCore.Tests;

/// <summary>
/// A store whose first write is held until <see cref="Release"/>, and whose writes after it fail
/// <paramref name="failuresAfterFirst"/> times: a slow store and a flaky one, for operation records.
/// </summary>
public sealed class HeldFirstPutStorage(IStorageProvider inner, int failuresAfterFirst = 0) : IStorageProvider
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _puts;
    private int _stored;

    /// <summary>Writes that reached the inner store.</summary>
    public int Stored => Volatile.Read(ref _stored);

    public string Name => inner.Name;

    public void Release() => _release.TrySetResult();

    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var put = Interlocked.Increment(ref _puts);
        if (put == 1)
        {
            await _release.Task.ConfigureAwait(false);
        }
        else if (put <= 1 + failuresAfterFirst)
        {
            throw new IOException("The store is unavailable.");
        }
        var stored = await inner.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _stored);
        return stored;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in inner.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);
}
