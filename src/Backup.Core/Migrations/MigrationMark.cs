using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Migrations;

/// <summary>
/// A recorded "just before migration X" point: the backup that holds it and the moment to recover to.
/// Stored as manifest properties (a stored format: the keys never change).
/// </summary>
/// <param name="MigrationId">The migration's id.</param>
/// <param name="At">The moment to recover to.</param>
/// <param name="Backup">The backup taken for it, or the chain's full backup when continuous capture recorded it.</param>
internal sealed record MigrationMark(string MigrationId, DateTimeOffset At, BackupManifest Backup)
{
    /// <summary>A backup taken by the hook: the migration's id. Its point is the backup's own (see <see cref="PointOf"/>).</summary>
    public const string BeforeMigration = "before-migration";

    /// <summary>
    /// The prefix of a point continuous capture recorded for its chain, kept on the chain's full
    /// backup: <c>before-migration:&lt;id&gt;</c> -> the moment (<see cref="ManifestProperties.Timestamp"/> format).
    /// </summary>
    public const string CapturedPrefix = BeforeMigration + ":";

    /// <summary>
    /// The moment a hook's backup recovers to: a full backup's snapshot; an incremental's start, which
    /// every earlier commit precedes (the end of the chain's window when it is the last).
    /// </summary>
    public static DateTimeOffset PointOf(BackupManifest backup) => backup.SnapshotAt ?? backup.StartedAt;

    /// <summary>Every mark the manifests hold.</summary>
    public static IEnumerable<MigrationMark> Read(IEnumerable<BackupManifest> manifests)
    {
        foreach (var manifest in manifests)
        {
            foreach (var (key, value) in manifest.Properties)
            {
                if (key == BeforeMigration)
                {
                    yield return new MigrationMark(value, PointOf(manifest), manifest);
                }
                else if (manifest.Type == BackupType.Full && key.StartsWith(CapturedPrefix, StringComparison.Ordinal))
                {
                    yield return new MigrationMark(key[CapturedPrefix.Length..], ManifestProperties.ParseTimestamp(value), manifest);
                }
            }
        }
    }
}
