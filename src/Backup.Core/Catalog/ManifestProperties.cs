using System.Globalization;

namespace Backup.Core.Catalog;

/// <summary>
/// Every key of <see cref="BackupManifest.Properties"/> this library writes or reads, in one
/// place: the keys are a stored format (old manifests are read by new versions), so a key is
/// spelt once and never changes.
/// </summary>
internal static class ManifestProperties
{
    /// <summary>A full backup that starts a change-capture chain: its replication slot.</summary>
    public const string Slot = "slot";

    /// <summary>A chain's full backup: the WAL position where its dump and its slot's change stream meet.</summary>
    public const string StartLsn = "startLsn";

    /// <summary>The server time of the backup's snapshot (<see cref="Timestamp"/> format).</summary>
    public const string SnapshotAt = "snapshotAt";

    /// <summary>Where the next timestamp-mode incremental starts looking (<see cref="Timestamp"/> format).</summary>
    public const string ChangesSince = "changesSince";

    /// <summary>A full backup: the name of the exported snapshot pg_dump ran on.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>A full backup: the server's WAL position when its snapshot was taken.</summary>
    public const string WalPosition = "walPosition";

    /// <summary>A full backup: the database's encoding, recreated by a restore.</summary>
    public const string Encoding = "encoding";

    /// <summary>A full backup: the database's LC_COLLATE, recreated by a restore.</summary>
    public const string Collate = "collate";

    /// <summary>A full backup: the database's LC_CTYPE, recreated by a restore.</summary>
    public const string Ctype = "ctype";

    /// <summary>The prefix of the properties that hold table shapes: <c>shape:schema.table</c> -> <c>col:oid,...</c>.</summary>
    public const string TableShapePrefix = "shape:";

    /// <summary>
    /// A change-capture chain's full backup: whether the chain captures schema changes,
    /// <see cref="SchemaCaptureOn"/>, or <c>off: </c> and why not. Absent in chains of earlier versions (off).
    /// </summary>
    public const string SchemaCapture = "ddl-capture";

    /// <summary>The <see cref="SchemaCapture"/> of a chain that captures schema changes.</summary>
    public const string SchemaCaptureOn = "on";

    /// <summary>Whether the chain <paramref name="full"/> starts captures schema changes.</summary>
    public static bool CapturesSchemaChanges(BackupManifest full) =>
        full.Properties.TryGetValue(SchemaCapture, out var value) && value == SchemaCaptureOn;

    /// <summary>An incremental: how it was captured, <see cref="ChangeCaptureMode"/> or <see cref="TimestampMode"/>.</summary>
    public const string IncrementalMode = "mode";

    /// <summary>The <see cref="IncrementalMode"/> of incrementals drained from a replication slot.</summary>
    public const string ChangeCaptureMode = "change-capture";

    /// <summary>A change-capture incremental written by continuous capture (a segment of a second or so): <see cref="ContinuousSegment"/>.</summary>
    public const string Capture = "capture";

    /// <summary>The <see cref="Capture"/> of segments written by continuous capture.</summary>
    public const string ContinuousSegment = "continuous";

    /// <summary>The <see cref="IncrementalMode"/> of timestamp-mode incrementals, which replay upserts.</summary>
    public const string TimestampMode = "timestamp";

    /// <summary>A timestamp-mode incremental: what it cannot see (deletes).</summary>
    public const string Deletes = "deletes";

    /// <summary>A timestamp-mode incremental: the moment its rows are newer than (<see cref="Timestamp"/> format).</summary>
    public const string Since = "since";

    /// <summary>A timestamp-mode incremental: the column it compared.</summary>
    public const string TimestampColumn = "timestampColumn";

    /// <summary>A timestamp-mode incremental: the tables it covers, comma-separated.</summary>
    public const string Tables = "tables";

    /// <summary>A timestamp-mode incremental: the tables it does not cover, comma-separated.</summary>
    public const string NotCovered = "notCovered";

    /// <summary>A compacted incremental: the id of the first change-capture incremental merged into it.</summary>
    public const string CompactedFirst = "compactedFirst";

    /// <summary>A compacted incremental: the id of the last one merged into it; the next link's parent.</summary>
    public const string CompactedLast = "compactedLast";

    /// <summary>A compacted incremental: how many incrementals were merged into it.</summary>
    public const string CompactedCount = "compactedCount";

    /// <summary>A chain's full backup whose slot was dropped or found missing: why and when.</summary>
    public const string ChainBroken = "chainBroken";

    /// <summary>A full backup taken with IncludeFiles whose file backup failed: why.</summary>
    public const string FilesError = "filesError";

    /// <summary>The prefix of a failed copy's property: <c>copy:NAME</c> = why.</summary>
    public const string CopyFailedPrefix = "copy:";

    /// <summary>A moment as the properties hold it: UTC, round-trip format.</summary>
    public static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A moment written by <see cref="Timestamp"/>.</summary>
    public static DateTimeOffset ParseTimestamp(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
