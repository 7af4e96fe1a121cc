namespace Backup.Core.Encryption;

/// <summary>
/// A small least-recently-used cache of derived keys. PBKDF2 parameters come from headers and
/// manifests anyone with write access to the store can plant, so the cache must not grow with
/// what it is fed: a store full of distinct salts costs CPU, never unbounded memory.
/// </summary>
internal sealed class BoundedKeyCache(int capacity)
{
    /// <summary>Enough for a few keys times a few salts (one salt per writing process).</summary>
    public const int DefaultCapacity = 32;

    private readonly LinkedList<(string Key, byte[] Value)> _order = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, byte[] Value)>> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How many entries are held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The cached value of <paramref name="key"/>, or <paramref name="derive"/>'s result (computed outside the lock), cached.</summary>
    public byte[] GetOrAdd(string key, Func<byte[]> derive)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var hit))
            {
                _order.Remove(hit);
                _order.AddFirst(hit);
                return hit.Value.Value;
            }
        }
        var value = derive();
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var raced))
            {
                return raced.Value.Value;
            }
            _entries[key] = _order.AddFirst((key, value));
            if (_entries.Count > capacity)
            {
                var oldest = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
            return value;
        }
    }
}
