using Backup.Core.Catalog;

namespace Backup.Core.Backups;

/// <summary>
/// The completed backups that need a backup to be restored: the incrementals and continuous
/// segments of a full backup's chain, and every incremental continuing from an incremental (its
/// parent, transitively). Failed ones hold nothing restorable and are no dependents.
/// </summary>
internal static class BackupDependents
{
    /// <summary>The dependents of <paramref name="id"/> among <paramref name="all"/>, newest first (the order they can be deleted in).</summary>
    public static IReadOnlyList<BackupManifest> Of(string id, IReadOnlyList<BackupManifest> all)
    {
        var needing = new HashSet<string>(StringComparer.Ordinal) { id };
        var dependents = new Dictionary<string, BackupManifest>(StringComparer.Ordinal);
        // Parents come before their children in id (time) order, so one pass oldest-first closes the chain.
        foreach (var backup in all.Where(b => b.Status == BackupStatus.Completed && b.Id != id).OrderBy(b => b.Id, StringComparer.Ordinal))
        {
            if ((backup.ParentId is { } parent && needing.Contains(parent)) || backup.ChainId == id)
            {
                needing.Add(backup.Id);
                dependents[backup.Id] = backup;
            }
        }
        return [.. dependents.Values.OrderByDescending(b => b.Id, StringComparer.Ordinal)];
    }
}
