using Backup.Core.Catalog;

namespace Backup.Core.Continuous;

/// <summary>A segment complete in the spool, with the manifest it gets in the store.</summary>
/// <param name="Manifest">Its manifest, stored after its data (the commit point).</param>
/// <param name="EndLsn">Where it ends: the slot may be confirmed to here once it is stored.</param>
/// <param name="CoveredThrough">The commit time of the last transaction it covers (empty ones too).</param>
/// <param name="CutAt">When it was cut: how long storing it took counts from here (see <see cref="CaptureState.StoreTook"/>).</param>
internal sealed record SpooledSegment(BackupManifest Manifest, ulong EndLsn, DateTimeOffset? CoveredThrough, DateTimeOffset CutAt)
{
    public long StoredBytes => Manifest.Content!.StoredBytes;
}
