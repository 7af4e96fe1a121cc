using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Database;

/// <summary>Finding a full backup that can be restored or verified.</summary>
internal static class FullBackupLookup
{
    /// <summary>The completed full backup <paramref name="id"/>, with its details.</summary>
    /// <exception cref="BackupException">It did not complete, or it is not a full backup.</exception>
    public static async Task<BackupManifest> GetRestorableAsync(this BackupCatalog catalog, string id, CancellationToken cancellationToken)
    {
        var manifest = (await catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails();
        if (manifest.Status != BackupStatus.Completed || manifest.Content is null)
        {
            throw new BackupException($"The backup '{id}' did not complete ({manifest.Error ?? "no data"}); there is nothing to restore or verify.");
        }
        if (manifest.Type != BackupType.Full)
        {
            throw new BackupException($"The backup '{id}' is a {manifest.Type.ToString().ToLowerInvariant()} backup; this operation takes a full backup.");
        }
        return manifest;
    }

    /// <summary>The tables whose row counts differ from <paramref name="expected"/>, said for a person.</summary>
    public static List<string> Mismatches(IReadOnlyDictionary<string, long> expected, IReadOnlyDictionary<string, long> actual) =>
        expected.Where(e => !actual.TryGetValue(e.Key, out var count) || count != e.Value)
            .Select(e => $"{e.Key}: expected {e.Value:N0}, found {(actual.TryGetValue(e.Key, out var c) ? c.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "no table")}")
            .ToList();
}
