using Backup.Core.Catalog;

namespace Backup.Core.Runs;

/// <summary>What a producer made: the manifest to store, and what must happen once it is stored, before the run counts as completed.</summary>
/// <param name="Manifest">The completed manifest (see <see cref="BackupRunContext.Completed"/>).</param>
/// <param name="AfterStored">E.g. acknowledging a slot, or dropping the chains' slots a new chain superseded; a failure here fails the run.</param>
internal sealed record ProducedBackup(BackupManifest Manifest, Func<CancellationToken, Task>? AfterStored = null);
