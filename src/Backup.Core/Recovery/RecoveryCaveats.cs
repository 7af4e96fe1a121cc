using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.Core.Recovery;

/// <summary>What a recovered database may lack or hold beyond the target, said for a person.</summary>
internal static class RecoveryCaveats
{
    /// <summary>The tables the timestamp-mode incrementals replayed up to <paramref name="until"/> do not cover: as of the full backup.</summary>
    public static List<string> TablesNotCovered(RecoveryChain chain, DateTimeOffset until) =>
        TimestampIncrementals(chain, until)
            .SelectMany(i => i.Properties.GetValueOrDefault(ManifestProperties.NotCovered, "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The caveats of a recovery of <paramref name="chain"/> to <paramref name="until"/>.</summary>
    public static List<string> Of(RecoveryChain chain, DateTimeOffset until, List<string> notCovered, IReadOnlyList<RecoveredMaterializedView> views)
    {
        var caveats = new List<string>();
        var timestamp = TimestampIncrementals(chain, until).ToList();
        if (timestamp.Count > 0)
        {
            var columns = string.Join("', '", timestamp.Select(i => i.Properties.GetValueOrDefault(ManifestProperties.TimestampColumn, "?")).Distinct(StringComparer.Ordinal));
            caveats.Add($"Timestamp-mode incrementals do not capture deletes: rows deleted after the full backup {chain.Full.Id} are still present. Nor do they capture a change that did not move the column '{columns}'.");
        }
        if (notCovered.Count > 0)
        {
            caveats.Add($"Not covered by the timestamp-mode incrementals (no timestamp column or no primary key), so as of the full backup {chain.Full.Id}: {string.Join(", ", notCovered)}.");
        }
        var refreshed = views.Where(v => v.State == MaterializedViewState.Refreshed).Select(v => v.Name).ToList();
        if (refreshed.Count > 0)
        {
            caveats.Add($"Materialized views refreshed from the recovered tables (a view the source had not refreshed since its tables changed holds newer contents here): {string.Join(", ", refreshed)}.");
        }
        var kept = views.Where(v => v.State == MaterializedViewState.AsOfFullBackup).Select(v => v.Name).ToList();
        if (kept.Count > 0)
        {
            caveats.Add($"Materialized views as pg_restore computed them from the tables of the full backup {chain.Full.Id} (a refresh in the source after it is not in the change stream; one stale in the source at the full backup is fresh as of it): {string.Join(", ", kept)}.");
        }
        return caveats;
    }

    /// <summary>Whether <paramref name="incremental"/> is a timestamp-mode one, whose rows replay as upserts.</summary>
    public static bool IsTimestampMode(BackupManifest incremental) =>
        incremental.Properties.GetValueOrDefault(ManifestProperties.IncrementalMode) == ManifestProperties.TimestampMode;

    // The timestamp-mode incrementals replay applies up to the target: each is one transaction at its snapshot time.
    private static IEnumerable<BackupManifest> TimestampIncrementals(RecoveryChain chain, DateTimeOffset until) =>
        chain.Incrementals.Where(i => IsTimestampMode(i) && i.SnapshotAt <= until);
}
