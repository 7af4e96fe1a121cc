using Backup.Core.Abstractions;

namespace Backup.Core.Encryption;

/// <summary>
/// The master keys a host holds: one active key that seals new backups, and any number of older
/// keys that still open backups written before a rotation.
/// </summary>
internal sealed class MasterKeyRing
{
    private readonly Dictionary<string, MasterKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates a ring whose active key is <paramref name="active"/>, plus keys kept for reading.</summary>
    public MasterKeyRing(MasterKey active, IEnumerable<MasterKey>? decryptOnly = null)
    {
        ArgumentNullException.ThrowIfNull(active);
        Active = active;
        _keys[active.Id] = active;
        foreach (var key in decryptOnly ?? [])
        {
            if (!_keys.TryAdd(key.Id, key) && !ReferenceEquals(_keys[key.Id], key))
            {
                throw new BackupConfigurationException("Backup:Encryption:Keys", $"Two encryption keys have the id '{key.Id}'; give each key its own id.");
            }
        }
    }

    /// <summary>The key new backups are sealed with.</summary>
    public MasterKey Active { get; }

    /// <summary>Ids of every key in the ring.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>A ring of one raw key.</summary>
    public static MasterKeyRing FromRawKey(string id, ReadOnlySpan<byte> key) => new(MasterKey.FromRawKey(key, id));

    /// <summary>Finds the key with <paramref name="id"/>.</summary>
    public bool TryGet(string id, out MasterKey key) => _keys.TryGetValue(id, out key!);
}
