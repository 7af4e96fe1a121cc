using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;

namespace Backup.Core.Tests.Support;

/// <summary>
/// An in-memory store for unit tests of pipeline logic (the real stores have their own tests).
/// It can be told to fail after reading a number of bytes, to test failures on the upload side.
/// </summary>
public sealed class MemoryStorageProvider : IStorageProvider
{
    private readonly ConcurrentDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);
    // Last-modified times as a real store gives them: every write moves it (a catalog re-reads on that).
    private readonly ConcurrentDictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);
    private long _writes;

    public long? FailAfterBytes { get; init; }

    public string Name => "memory";

    public IReadOnlyCollection<string> Keys => _objects.Keys.ToList();

    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > FailAfterBytes)
            {
                throw new BackupStorageException("the store is unreachable (test)", null, isTransient: true);
            }
        }
        var written = DateTimeOffset.UnixEpoch.AddTicks(Interlocked.Increment(ref _writes));
        _objects[key] = buffer.ToArray();
        _written[key] = written;
        return new StoredObject(key, buffer.Length, written);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        _objects.TryGetValue(key, out var bytes)
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : throw new BackupObjectNotFoundException(key);

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var key in _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return new StoredObject(key, _objects[key].Length, _written.GetValueOrDefault(key, DateTimeOffset.UnixEpoch));
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(_objects.TryRemove(key, out _));

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(_objects.ContainsKey(key));
}
