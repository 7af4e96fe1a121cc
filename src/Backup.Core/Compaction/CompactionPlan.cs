using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Recovery;

namespace Backup.Core.Compaction;

/// <summary>Which links of a chain are merged together, and which stored incrementals an earlier merge already holds.</summary>
internal static class CompactionPlan
{
    /// <summary>
    /// The groups of consecutive change-capture links completed at or before <paramref name="cutoff"/>
    /// that share the UTC hour of their first commit, split so that none passes
    /// <paramref name="maxMergedBytes"/> plain bytes; groups of one are left out (nothing to merge).
    /// Timestamp-mode links end a run: their inserts replay as upserts, so they cannot share a segment.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<BackupManifest>> Buckets(RecoveryChain chain, DateTimeOffset cutoff, long maxMergedBytes)
    {
        var buckets = new List<IReadOnlyList<BackupManifest>>();
        var current = new List<BackupManifest>();
        long bytes = 0;
        void Close()
        {
            if (current.Count > 1)
            {
                buckets.Add(current);
            }
            current = [];
            bytes = 0;
        }
        foreach (var link in chain.Incrementals)
        {
            if (!IsChangeCapture(link) || (link.CompletedAt ?? link.StartedAt) > cutoff || link.Content is null)
            {
                Close();
                continue;
            }
            var raw = link.Content.RawBytes;
            if (current.Count > 0 && (Hour(current[0]) != Hour(link) || bytes + raw > maxMergedBytes))
            {
                Close();
            }
            current.Add(link);
            bytes += raw;
        }
        Close();
        return buckets;
    }

    /// <summary>
    /// Incrementals of the chain that are not its links but whose changes a compacted link holds
    /// (their WAL range lies inside its range): sources an interrupted compaction did not delete.
    /// </summary>
    public static IReadOnlyList<BackupManifest> Leftovers(RecoveryChain chain, IEnumerable<BackupManifest> completed)
    {
        var links = chain.Incrementals.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        var all = completed.ToList();
        var superseded = CompactedSegments.Superseded(all);
        return [.. all.Where(b => b.ChainId == chain.Full.Id && superseded.Contains(b.Id) && !links.Contains(b.Id)).OrderBy(b => b.Id, StringComparer.Ordinal)];
    }

    /// <summary>Objects stored for an incremental: its manifest and its data.</summary>
    public static int Objects(BackupManifest backup) => 1 + backup.StoredObjects().Count();

    private static bool IsChangeCapture(BackupManifest link) =>
        link.Properties.GetValueOrDefault(ManifestProperties.IncrementalMode) == ManifestProperties.ChangeCaptureMode;

    // A segment without transactions belongs to the hour it was taken in.
    private static DateTime Hour(BackupManifest link)
    {
        var at = (link.FirstCommitAt ?? link.StartedAt).UtcDateTime;
        return new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc);
    }
}
