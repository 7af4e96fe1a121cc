using System.Collections.Concurrent;
using Backup.Core.Abstractions;

namespace Backup.Core.Catalog;

/// <summary>
/// The manifests a <see cref="BackupCatalog"/> has read, each with the size and last-modified time
/// the store's listing gave for it, so that a listing reads again only what is new or changed:
/// the store stays the truth (another process's writes and deletes are seen on the next listing),
/// and a listing costs one LIST instead of one GET per backup. A rewrite that keeps both the size
/// and the time (same length, within the store's time resolution) is seen only at the next change.
/// </summary>
internal sealed class CatalogIndex
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    // The ids of the last listing: the index is complete when it holds all of them.
    private ConcurrentDictionary<string, byte>? _listed;
    private long _generation;
    private long _version;
    private (long Version, IReadOnlyList<ManifestRead>? Reads) _snapshot = (-1, null);

    /// <summary>Called before a listing asks the store: its generation, for <see cref="Listing"/> and <see cref="Listed"/>.</summary>
    public long BeginListing() => Interlocked.Increment(ref _generation);

    /// <summary>The listing of <paramref name="generation"/> found <paramref name="ids"/>: forgets the manifests deleted since.</summary>
    public void Listing(long generation, IReadOnlyCollection<string> ids)
    {
        var listed = new ConcurrentDictionary<string, byte>(ids.Select(id => KeyValuePair.Create(id, (byte)0)), StringComparer.Ordinal);
        foreach (var (id, entry) in _entries)
        {
            if (listed.ContainsKey(id))
            {
                continue;
            }
            if (entry.Generation > generation)
            {
                // Written here after the LIST began: absent from it, and still there.
                listed.TryAdd(id, 0);
            }
            else
            {
                _entries.TryRemove(KeyValuePair.Create(id, entry));
            }
        }
        _listed = listed;
        Changed();
    }

    /// <summary>The manifest held for <paramref name="id"/> when the store lists it unchanged since it was read.</summary>
    public ManifestRead? Current(string id, StoredObject listed) =>
        _entries.TryGetValue(id, out var entry) && entry.Size == listed.Size && entry.LastModified == listed.LastModified ? entry.Read : null;

    /// <summary>Holds a manifest a listing of <paramref name="generation"/> read, unless this process wrote a newer one meanwhile.</summary>
    public void Listed(string id, StoredObject listed, ManifestRead read, long generation)
    {
        var entry = new Entry(listed.Size, listed.LastModified, read, generation);
        _entries.AddOrUpdate(id, entry, (_, held) => held.Generation > generation ? held : entry);
        Changed();
    }

    /// <summary>Holds a manifest this process just stored.</summary>
    public void Saved(string id, StoredObject stored, ManifestRead read)
    {
        _entries[id] = new Entry(stored.Size, stored.LastModified, read, Interlocked.Increment(ref _generation));
        _listed?.TryAdd(id, 0);
        Changed();
    }

    /// <summary>Forgets a manifest that is gone, or that must be read again.</summary>
    public void Removed(string id)
    {
        _entries.TryRemove(id, out _);
        _listed?.TryRemove(id, out _);
        Changed();
    }

    /// <summary>
    /// Every manifest of the store as last listed (plus this process's writes since), newest first;
    /// null until a listing has read them all.
    /// </summary>
    public IReadOnlyList<ManifestRead>? Snapshot()
    {
        lock (_gate)
        {
            var version = Interlocked.Read(ref _version);
            if (_snapshot.Version != version)
            {
                // Only what the store listed (or this process stored since): a listing that read a
                // manifest just before this process deleted it may put it back in the entries.
                var listed = _listed;
                var entries = _entries.Where(e => listed?.ContainsKey(e.Key) == true).ToArray();
                var complete = listed is not null && listed.Keys.All(_entries.ContainsKey);
                _snapshot = (version, complete
                    ? [.. entries.OrderByDescending(e => e.Key, StringComparer.Ordinal).Select(e => e.Value.Read)]
                    : null);
            }
            return _snapshot.Reads;
        }
    }

    private void Changed() => Interlocked.Increment(ref _version);

    private sealed record Entry(long Size, DateTimeOffset LastModified, ManifestRead Read, long Generation);
}
