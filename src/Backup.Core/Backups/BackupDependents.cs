using Backup.Core.Catalog;
using Backup.Core.Recovery;

namespace Backup.Core.Backups;

/// <summary>
/// The completed backups that need a backup to be restored: the incrementals and continuous
/// segments of a full backup's chain, and the links after an incremental on its chain as
/// <see cref="RecoveryPlanner"/> walks it (so a merged segment's successors count, which continue
/// its last source rather than the merged segment itself). Failed ones hold nothing restorable and are no dependents.
/// </summary>
internal static class BackupDependents
{
    /// <summary>The dependents of <paramref name="id"/> among <paramref name="all"/>, newest first (the order they can be deleted in).</summary>
    public static IReadOnlyList<BackupManifest> Of(string id, IReadOnlyList<BackupManifest> all)
    {
        var completed = all.Where(b => b.Status == BackupStatus.Completed).ToList();
        var dependents = new Dictionary<string, BackupManifest>(StringComparer.Ordinal);
        // The planner's links are the one definition of "continues": a link after this one on the
        // walked path needs it, and a link on the path never needs one off it (the path reaches it without).
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        if (completed.Find(b => b.Id == id) is { Database: { } database })
        {
            foreach (var chain in RecoveryPlanner.Chains(completed, database))
            {
                onPath.UnionWith(chain.Incrementals.Select(l => l.Id));
                var index = chain.Incrementals.ToList().FindIndex(l => l.Id == id);
                foreach (var later in index < 0 ? [] : chain.Incrementals.Skip(index + 1))
                {
                    dependents[later.Id] = later;
                }
            }
        }
        var needing = new HashSet<string>(StringComparer.Ordinal) { id };
        // Off the path (a compaction's leftover source, a link after a hole), parents come before
        // their children in id (time) order, so one pass oldest-first closes the chain.
        foreach (var other in completed.Where(b => b.Id != id).OrderBy(b => b.Id, StringComparer.Ordinal))
        {
            if (other.ChainId == id || (other.ParentId is { } parent && needing.Contains(parent) && !onPath.Contains(other.Id)))
            {
                needing.Add(other.Id);
                dependents[other.Id] = other;
            }
        }
        return [.. dependents.Values.OrderByDescending(b => b.Id, StringComparer.Ordinal)];
    }
}
