using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Runs;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Copies;

/// <summary>
/// Copies every stored backup to a second store (local + offsite): the stored bytes as they are
/// (already compressed and encrypted), then the manifest, so the second store is a complete
/// catalog of its own. A failed copy does not fail the backup; it is logged and written into the
/// primary manifest (<see cref="ManifestProperties.CopyFailedPrefix"/>), where status finds it.
/// </summary>
internal sealed class OffsiteCopyHandler(string name, IStorageProvider target, BackupCatalog catalog, TimeProvider time, ILogger logger) : IBackupStoredHandler
{
    /// <inheritdoc />
    public async Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var content in manifest.StoredObjects())
            {
                var source = await catalog.Storage.OpenReadAsync(content.Key, cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    await target.PutAsync(content.Key, source, cancellationToken).ConfigureAwait(false);
                }
            }
            await catalog.On(target).SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
            Log.BackupCopied(logger, manifest.Id, name);
            return manifest;
        }
        catch (Exception ex)
        {
            var reason = ex is OperationCanceledException ? "cancelled" : ex.Message;
            Log.BackupCopyFailed(logger, manifest.Id, name, reason);
            var failed = manifest with
            {
                Properties = new Dictionary<string, string>(manifest.Properties, StringComparer.Ordinal) { [ManifestProperties.CopyFailedPrefix + name] = $"failed at {time.GetUtcNow():u}: {reason}" },
            };
            await catalog.SaveAsync(failed, CancellationToken.None).ConfigureAwait(false);
            return failed;
        }
    }
}
