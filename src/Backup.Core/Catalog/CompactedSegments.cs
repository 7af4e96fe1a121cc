using Backup.Core.Abstractions;
using NpgsqlTypes;

namespace Backup.Core.Catalog;

/// <summary>Incrementals whose changes a compacted incremental of the same chain already holds.</summary>
internal static class CompactedSegments
{
    /// <summary>
    /// The ids of incrementals whose WAL range lies inside a compacted incremental's range in the
    /// same chain: the sources an interrupted compaction did not delete (and an older merge a newer
    /// one took in). Recovery skips them and the next compaction deletes them; until then they
    /// are not counted as backups of their own.
    /// </summary>
    public static IReadOnlySet<string> Superseded(IEnumerable<BackupManifest> backups)
    {
        var incrementals = backups.Where(b => b.Type == BackupType.Incremental && b.Status == BackupStatus.Completed && b.StartLsn is not null && b.EndLsn is not null).ToList();
        var compacted = incrementals.Where(b => b.Properties.ContainsKey(ManifestProperties.CompactedLast)).ToList();
        if (compacted.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
        return incrementals
            .Where(b => compacted.Any(c => c.Id != b.Id && c.ChainId == b.ChainId && Covers(c, b)))
            .Select(b => b.Id)
            .ToHashSet(StringComparer.Ordinal);
    }

    // A compacted incremental of the same start and end as another is the same merge only if it is
    // newer by reach, so equal ranges are settled by id: the smaller id (the older write) is superseded.
    private static bool Covers(BackupManifest compacted, BackupManifest other)
    {
        var (start, end) = (Lsn(compacted.StartLsn!), Lsn(compacted.EndLsn!));
        var (otherStart, otherEnd) = (Lsn(other.StartLsn!), Lsn(other.EndLsn!));
        if (start > otherStart || otherEnd > end)
        {
            return false;
        }
        return (start, end) != (otherStart, otherEnd) || !other.Properties.ContainsKey(ManifestProperties.CompactedLast) || string.CompareOrdinal(other.Id, compacted.Id) < 0;
    }

    private static ulong Lsn(string text) => (ulong)NpgsqlLogSequenceNumber.Parse(text);
}
