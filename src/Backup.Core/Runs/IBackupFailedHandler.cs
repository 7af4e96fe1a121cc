using Backup.Core.Catalog;

namespace Backup.Core.Runs;

/// <summary>Told of every failed backup's record, before it is stored (so that losing the record loses nothing here).</summary>
internal interface IBackupFailedHandler
{
    /// <summary>Handles a failed backup's record.</summary>
    void OnFailed(BackupManifest failed);
}
