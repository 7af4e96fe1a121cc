using System.Collections.Concurrent;
using Backup.Core.Abstractions;

namespace Backup.Core.Runs;

/// <summary>The backups this process is taking now, for status.</summary>
internal sealed class ActiveBackups
{
    private readonly ConcurrentDictionary<string, BackupType> _running = new(StringComparer.Ordinal);

    /// <summary>The ids of the backups running now.</summary>
    public IReadOnlyList<string> Ids => [.. _running.Keys];

    /// <summary>Notes a backup as running.</summary>
    public void Add(string id, BackupType type) => _running[id] = type;

    /// <summary>Notes a backup as ended, stored or not.</summary>
    public void Remove(string id) => _running.TryRemove(id, out _);
}
