using Backup.Core.Catalog;

namespace Backup.Core;

/// <summary>What happens once a backup is stored: metrics, and the copy to a second store (local + offsite).</summary>
public sealed partial class BackupService
{
    /// <summary>Manifest property prefix of a failed copy: <c>copy:NAME</c> = why.</summary>
    internal const string CopyPropertyPrefix = "copy:";

    // After a backup is stored: counted, added to the gauges, and copied to the second store.
    private async Task<BackupManifest> FinishedAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        if (_metrics is { } metrics)
        {
            metrics.Finished(manifest.Type, succeeded: true, manifest.Duration ?? TimeSpan.Zero, manifest.Content?.StoredBytes ?? 0);
            // The catalog is read once per process; after that each backup is added as it is stored.
            if (metrics.Loaded)
            {
                metrics.Record(manifest);
            }
            else
            {
                metrics.Update(await ListBackupsAsync(null, cancellationToken).ConfigureAwait(false));
            }
        }
        return await CopyFinishedAsync(manifest, cancellationToken).ConfigureAwait(false);
    }

    // The stored bytes are copied as they are (already compressed and encrypted), then the manifest:
    // the second store is a complete catalog of its own. A failed copy does not fail the backup; it
    // is logged and written into the primary manifest, where status finds it.
    private async Task<BackupManifest> CopyFinishedAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        if (_copyTo is not { } copy)
        {
            return manifest;
        }
        try
        {
            foreach (var content in manifest.StoredObjects())
            {
                var source = await _pipeline.Storage.OpenReadAsync(content.Key, cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    await copy.Store.PutAsync(content.Key, source, cancellationToken).ConfigureAwait(false);
                }
            }
            await _catalog.On(copy.Store).SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
            Log.BackupCopied(_logger, manifest.Id, copy.Name);
            return manifest;
        }
        catch (Exception ex)
        {
            var reason = ex is OperationCanceledException ? "cancelled" : ex.Message;
            Log.BackupCopyFailed(_logger, manifest.Id, copy.Name, reason);
            var failed = manifest with
            {
                Properties = new Dictionary<string, string>(manifest.Properties, StringComparer.Ordinal) { [CopyPropertyPrefix + copy.Name] = $"failed at {_time.GetUtcNow():u}: {reason}" },
            };
            await _catalog.SaveAsync(failed, CancellationToken.None).ConfigureAwait(false);
            return failed;
        }
    }
}
