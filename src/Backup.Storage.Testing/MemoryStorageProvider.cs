using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;
using Backup.Core.Storage;

namespace Backup.Storage.Testing;

/// <summary>
/// A store that keeps its objects in memory, for unit tests of code that uses an
/// <see cref="IStorageProvider"/> (the real stores have their own tests). It keeps the contract of
/// every store — keys checked, atomic puts, ordinal listing — and can be told to fail after reading
/// a number of bytes (<see cref="FailAfterBytes"/>), to test failures on the upload side.
/// </summary>
/// <param name="timeProvider">The clock that stamps <see cref="StoredObject.LastModified"/>; the system clock by default.</param>
public sealed class MemoryStorageProvider(TimeProvider? timeProvider = null) : IStorageProvider
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, DateTimeOffset Written)> _objects = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _stampLock = new();
    private DateTimeOffset _lastStamp = DateTimeOffset.MinValue;

    /// <summary>
    /// When set, a put that has read more than this many bytes of its source throws a transient
    /// <see cref="BackupStorageException"/> (as an unreachable store would) and stores nothing.
    /// </summary>
    public long? FailAfterBytes { get; init; }

    /// <inheritdoc />
    public string Name => "memory";

    /// <summary>The keys stored now, in no particular order.</summary>
    public IReadOnlyCollection<string> Keys => _objects.Keys.ToList();

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > FailAfterBytes)
            {
                throw new BackupStorageException($"The in-memory store failed on purpose after {FailAfterBytes} bytes of '{key}' (FailAfterBytes).", null, isTransient: true);
            }
        }
        // Stored only once the source has ended: a put that fails or is cancelled leaves the previous object.
        var bytes = buffer.ToArray();
        var written = NextStamp();
        _objects[key] = (bytes, written);
        return new StoredObject(key, bytes.Length, written);
    }

    // Every write gets a later stamp than the one before, even on a clock that stands still (a fake
    // clock): a catalog that compares list stamps must see a rewrite of the same size as a change.
    private DateTimeOffset NextStamp()
    {
        lock (_stampLock)
        {
            var now = _time.GetUtcNow();
            _lastStamp = now > _lastStamp ? now : _lastStamp.AddTicks(1);
            return _lastStamp;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        return _objects.TryGetValue(key, out var item)
            ? Task.FromResult<Stream>(new MemoryStream(item.Bytes, writable: false))
            : throw new BackupObjectNotFoundException($"The in-memory store has no object '{key}'.");
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageKey.ValidatePrefix(prefix);
        await Task.Yield();
        foreach (var key in _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A key deleted since the listing began is left out, as a real store's next page would.
            if (_objects.TryGetValue(key, out var item))
            {
                yield return new StoredObject(key, item.Bytes.Length, item.Written);
            }
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        return Task.FromResult(_objects.TryRemove(key, out _));
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        return Task.FromResult(_objects.ContainsKey(key));
    }
}
