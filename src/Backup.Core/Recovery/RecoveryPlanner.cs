using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using NpgsqlTypes;

namespace Backup.Core.Recovery;

/// <summary>A full backup and the incremental backups that continue it, and the span of time they can recover.</summary>
/// <param name="Full">The chain's full backup.</param>
/// <param name="Incrementals">Its incremental backups, in order, each continuing the previous one.</param>
/// <param name="WindowStart">The earliest recoverable moment: the full backup's snapshot.</param>
/// <param name="WindowEnd">The latest: when the last incremental began capturing (every earlier commit is in it), or its snapshot in timestamp mode.</param>
internal sealed record RecoveryChain(BackupManifest Full, IReadOnlyList<BackupManifest> Incrementals, DateTimeOffset WindowStart, DateTimeOffset WindowEnd);

/// <summary>Chooses which backups recover a database to a moment: the newest chain whose window holds it.</summary>
internal static class RecoveryPlanner
{
    /// <summary>Every complete chain of <paramref name="database"/> in <paramref name="backups"/>, oldest first.</summary>
    public static IReadOnlyList<RecoveryChain> Chains(IEnumerable<BackupManifest> backups, string database)
    {
        var completed = backups.Where(b => b.Status == BackupStatus.Completed && b.Database == database).ToList();
        var chains = new List<RecoveryChain>();
        foreach (var full in completed.Where(b => b.Type == BackupType.Full && b.ChainId == b.Id && b.SnapshotAt is not null).OrderBy(b => b.Id, StringComparer.Ordinal))
        {
            var members = completed.Where(b => b.Type == BackupType.Incremental && b.ChainId == full.Id).ToList();
            var links = new List<BackupManifest>();
            var previous = full.Id;
            // Follow parent links; a missing link ends the usable chain (later segments would leave a hole).
            var previousLink = full.Id;
            while (NextLink(members, previous, previousLink) is { } next)
            {
                links.Add(next);
                previousLink = next.Id;
                previous = next.Properties.GetValueOrDefault(ManifestProperties.CompactedLast) ?? next.Id;
            }
            chains.Add(new RecoveryChain(full, links, full.SnapshotAt!.Value, links.Count > 0 ? links[^1].SnapshotAt ?? links[^1].StartedAt : full.SnapshotAt.Value));
        }
        return chains;
    }

    // The incremental that continues `previous`. A compacted one wins over the sources it merged
    // (a crash may leave them until the next compaction deletes them), and the one that reaches
    // furthest (then the newer write) wins over an older compaction of the same start; the link after it continues its
    // last source — or the merged link itself, when it was the chain's last link as the next was
    // taken. Otherwise the first by id, as ever.
    private static BackupManifest? NextLink(List<BackupManifest> members, string previous, string previousLink)
    {
        var candidates = members.Where(b => b.ParentId == previous || b.ParentId == previousLink).ToList();
        return candidates.Where(IsCompacted)
                .OrderByDescending(b => b.EndLsn is null ? 0UL : (ulong)NpgsqlLogSequenceNumber.Parse(b.EndLsn)).ThenByDescending(b => b.Id, StringComparer.Ordinal).FirstOrDefault()
            ?? candidates.OrderBy(b => b.Id, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>True for an incremental that compaction merged from others.</summary>
    public static bool IsCompacted(BackupManifest backup) => backup.Properties.ContainsKey(ManifestProperties.CompactedLast);

    /// <summary>The chain that recovers <paramref name="database"/> to <paramref name="target"/> (the latest moment when null).</summary>
    /// <exception cref="BackupException">No chain's window holds the target; the message lists the windows there are.</exception>
    public static RecoveryChain Plan(IEnumerable<BackupManifest> backups, string database, DateTimeOffset? target)
    {
        var chains = Chains(backups, database);
        if (chains.Count == 0)
        {
            throw new BackupException($"There is no full backup of the database '{database}' to start from: incremental backups and recovery to a point in time need one (with change capture on, Backup:Postgres:ChangeCapture, for exact points in time).");
        }
        if (target is null)
        {
            return chains[^1];
        }
        return chains.Where(c => c.WindowStart <= target && target <= c.WindowEnd).MaxBy(c => c.WindowStart)
            ?? throw new BackupException(
                $"{target.Value.ToString("u", CultureInfo.InvariantCulture)} is outside every recoverable window of '{database}': "
                + string.Join(", ", chains.Select(c => $"{c.WindowStart.ToString("u", CultureInfo.InvariantCulture)} to {c.WindowEnd.ToString("u", CultureInfo.InvariantCulture)}"))
                + ". Take an incremental backup to extend the newest window to now.");
    }
}
