using Backup.Core.Engine;

namespace Backup.Core.Database;

/// <summary>
/// The deep check of a restored full backup: every table's row count against the manifest's,
/// which were taken in the dump's own snapshot, so any difference means rows were lost or made up.
/// </summary>
internal static class RowCountCheck
{
    /// <summary>
    /// Counts the rows of <paramref name="database"/> and says which of <paramref name="expected"/>
    /// differ. Tables in <paramref name="loaded"/> are not scanned: their rows were counted as the
    /// restore loaded them (<see cref="FullBackupSources.LoadedRows"/>).
    /// </summary>
    public static async Task<(IReadOnlyDictionary<string, long> Counts, List<string> Mismatches)> CompareAsync(
        this IDatabaseRestorer engine, string database, IReadOnlyDictionary<string, long> expected, CancellationToken cancellationToken, IReadOnlyDictionary<string, long>? loaded = null)
    {
        loaded ??= new Dictionary<string, long>();
        var scanned = await engine.CountRowsAsync(database, loaded.Keys.ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        var counts = scanned.Concat(loaded).ToDictionary(StringComparer.Ordinal);
        // A manifest counts every table dumped, the engine's own (left out of restores) too.
        var restored = expected.Where(e => !engine.LeavesOut(e.Key)).ToDictionary(StringComparer.Ordinal);
        return (counts, FullBackupLookup.Mismatches(restored, counts));
    }
}
