using Backup.Core.Catalog;
using Backup.Core.Runs;

namespace Backup.Core.Monitoring;

/// <summary>Counts every stored and failed backup in <see cref="BackupMetrics"/>, and adds it to the gauges.</summary>
internal sealed class MetricsHandler(BackupMetrics metrics) : IBackupStoredHandler, IBackupFailedHandler
{
    /// <inheritdoc />
    public async Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        metrics.Finished(manifest.Type, succeeded: true, manifest.Duration ?? TimeSpan.Zero, manifest.StoredBytes);
        // The gauges read the catalog's index, which the save just updated; the first backup of a
        // process that nothing has listed yet lists the catalog once, so that they show the whole store.
        if (!metrics.Loaded)
        {
            await metrics.Catalog.ListAllAsync(null, cancellationToken).ConfigureAwait(false);
        }
        return manifest;
    }

    /// <inheritdoc />
    public void OnFailed(BackupManifest failed)
    {
        metrics.Finished(failed.Type, succeeded: false, failed.Duration ?? TimeSpan.Zero, 0);
    }
}
