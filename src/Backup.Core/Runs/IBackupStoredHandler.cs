using Backup.Core.Catalog;

namespace Backup.Core.Runs;

/// <summary>
/// Runs after a backup's manifest is stored (metrics, the copy to a second store), in the order
/// the handlers were registered. A handler may return the manifest rewritten (e.g. with a failed
/// copy noted); the next handler and the caller get that one.
/// </summary>
internal interface IBackupStoredHandler
{
    /// <summary>Handles a stored backup; returns the manifest as it is now.</summary>
    Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken);
}
