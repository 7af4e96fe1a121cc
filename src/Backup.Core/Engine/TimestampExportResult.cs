namespace Backup.Core.Engine;

/// <summary>What a timestamp-mode export found.</summary>
/// <param name="SnapshotAt">The server time of the snapshot the rows were read on.</param>
/// <param name="NextSince">Where the next export starts looking.</param>
/// <param name="Rows">The rows written.</param>
/// <param name="Tables">The tables read (<c>schema.table</c>).</param>
/// <param name="NotCovered">The tables that could not be read this way (no timestamp column or no primary key).</param>
internal sealed record TimestampExportResult(
    DateTimeOffset SnapshotAt, DateTimeOffset NextSince, long Rows, IReadOnlyList<string> Tables, IReadOnlyList<string> NotCovered);
