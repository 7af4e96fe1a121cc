using Backup.Core.Catalog;
using Backup.Core.Runs;

namespace Backup.Core.Monitoring;

/// <summary>Counts every stored and failed backup in <see cref="BackupMetrics"/>, and adds it to the gauges.</summary>
internal sealed class MetricsHandler(BackupMetrics metrics, BackupCatalog catalog) : IBackupStoredHandler, IBackupFailedHandler
{
    /// <inheritdoc />
    public async Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        metrics.Finished(manifest.Type, succeeded: true, manifest.Duration ?? TimeSpan.Zero, manifest.Content?.StoredBytes ?? 0);
        // The catalog is read once per process; after that each backup is added as it is stored.
        if (metrics.Loaded)
        {
            metrics.Record(manifest);
        }
        else
        {
            metrics.Update(await catalog.ListAllAsync(null, cancellationToken).ConfigureAwait(false));
        }
        return manifest;
    }

    /// <inheritdoc />
    public void OnFailed(BackupManifest failed)
    {
        metrics.Finished(failed.Type, succeeded: false, failed.Duration ?? TimeSpan.Zero, 0);
        if (metrics.Loaded)
        {
            metrics.Record(failed);
        }
    }
}
