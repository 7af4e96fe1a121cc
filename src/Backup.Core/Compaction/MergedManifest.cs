using Backup.Core.Abstractions;
using System.Globalization;
using Backup.Core.Catalog;
using Backup.Core.Pipeline;
using Backup.Core.Runs;

namespace Backup.Core.Compaction;

/// <summary>The manifest of a segment merged from consecutive change-capture incrementals: one link in their place.</summary>
internal static class MergedManifest
{
    /// <summary>
    /// Spans <paramref name="sources"/> (in chain order): the first one's parent, start position and
    /// start time, the last one's end position and window end (so the chain's window does not
    /// change), summed counts, and the sources' properties merged (a later source's table shape
    /// wins). Its id sorts with the first source's, so "older by id" keeps meaning "earlier in the chain".
    /// </summary>
    public static BackupManifest Of(IReadOnlyList<BackupManifest> sources, string id, StoredContent content, long transactions, long changes)
    {
        var first = sources[0];
        var last = sources[^1];
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var (key, value) in source.Properties.Where(p => !IsCompactionProperty(p.Key)))
            {
                properties[key] = value;
            }
        }
        properties[ManifestProperties.CompactedFirst] = first.Id;
        properties[ManifestProperties.CompactedLast] = last.Properties.GetValueOrDefault(ManifestProperties.CompactedLast) ?? last.Id;
        properties[ManifestProperties.CompactedCount] = sources.Sum(Count).ToString(CultureInfo.InvariantCulture);
        return new BackupManifest
        {
            Id = id,
            Type = BackupType.Incremental,
            Status = BackupStatus.Completed,
            Engine = last.Engine,
            Database = last.Database,
            ServerVersion = last.ServerVersion,
            ToolVersion = last.ToolVersion,
            LibraryVersion = ProductVersion.Value,
            StartedAt = first.StartedAt,
            CompletedAt = last.CompletedAt,
            ParentId = first.ParentId,
            ChainId = first.ChainId,
            StartLsn = first.StartLsn,
            EndLsn = last.EndLsn,
            // The planner ends a chain's window at its last link's SnapshotAt ?? StartedAt.
            SnapshotAt = last.SnapshotAt ?? last.StartedAt,
            FirstCommitAt = sources.Select(s => s.FirstCommitAt).FirstOrDefault(at => at is not null),
            LastCommitAt = sources.Select(s => s.LastCommitAt).LastOrDefault(at => at is not null),
            TransactionCount = transactions,
            ChangeCount = changes,
            Content = content,
            Comment = $"{sources.Sum(Count)} change-capture incrementals merged by compaction",
            Properties = properties,
        };
    }

    // A source that is itself a merge counts what it merged: the count is of original segments.
    private static int Count(BackupManifest source) =>
        int.TryParse(source.Properties.GetValueOrDefault(ManifestProperties.CompactedCount), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 1;

    private static bool IsCompactionProperty(string key) =>
        key is ManifestProperties.CompactedFirst or ManifestProperties.CompactedLast or ManifestProperties.CompactedCount;
}
