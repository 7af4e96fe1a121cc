namespace Backup.Core.Catalog;

/// <summary>A catalog listing read whole, for the operations that look at every backup at once.</summary>
internal static class CatalogLists
{
    /// <summary>The backups matching <paramref name="query"/>, newest first.</summary>
    public static async Task<IReadOnlyList<BackupManifest>> ListAllAsync(this BackupCatalog catalog, BackupQuery? query, CancellationToken cancellationToken)
    {
        var list = new List<BackupManifest>();
        await foreach (var manifest in catalog.ListAsync(query, cancellationToken).ConfigureAwait(false))
        {
            list.Add(manifest);
        }
        return list;
    }
}
