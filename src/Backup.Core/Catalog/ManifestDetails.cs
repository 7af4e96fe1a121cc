namespace Backup.Core.Catalog;

/// <summary>
/// What a manifest says about the inside of a backup — table names and row counts, table shapes
/// (column names and types), chosen schemas and tables, comment, error text, file roots and
/// patterns, server facts. With encryption on these are sealed (<see cref="SealedManifestDetails"/>);
/// the rest of the manifest, the envelope, stays readable because listing, retention, recovery
/// planning, orphan cleanup and metrics run on it, also on a host without the key.
/// </summary>
internal sealed record ManifestDetails
{
    public string? ServerVersion { get; init; }

    public string? ToolVersion { get; init; }

    public long? TransactionCount { get; init; }

    public long? ChangeCount { get; init; }

    public IReadOnlyDictionary<string, long> TableRowCounts { get; init; } = new Dictionary<string, long>();

    public IReadOnlyList<string> Schemas { get; init; } = [];

    public IReadOnlyList<string> Tables { get; init; } = [];

    public string? Comment { get; init; }

    public string? Error { get; init; }

    public FileBackupDetails? Files { get; init; }

    /// <summary>The parts whole; the envelope keeps their objects and page ranges only.</summary>
    public IReadOnlyList<TableDataPart> Parts { get; init; } = [];

    /// <summary>The properties that are not <see cref="StaysClear"/>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether there is nothing to seal.</summary>
    public bool IsEmpty =>
        ServerVersion is null && ToolVersion is null && TransactionCount is null && ChangeCount is null && TableRowCounts.Count == 0
        && Schemas.Count == 0 && Tables.Count == 0 && Comment is null && Error is null && Files is null && Parts.Count == 0 && Properties.Count == 0;

    /// <summary>
    /// Whether a manifest property stays in the envelope: positions, times, the chain's slot and
    /// mode, compaction's links, and the operational flags status reads (a broken chain, a failed copy). Everything
    /// else — table shapes, not-covered tables, the timestamp column, collation, file errors, any
    /// property added later — is sealed: an unknown property is a detail until proved harmless.
    /// </summary>
    public static bool StaysClear(string property) =>
        ClearProperties.Contains(property) || property.StartsWith(ManifestProperties.CopyFailedPrefix, StringComparison.Ordinal);

    private static readonly HashSet<string> ClearProperties = new(StringComparer.Ordinal)
    {
        ManifestProperties.Slot,
        ManifestProperties.SnapshotAt,
        ManifestProperties.ChangesSince,
        ManifestProperties.StartLsn,
        ManifestProperties.WalPosition,
        ManifestProperties.Snapshot,
        ManifestProperties.Since,
        ManifestProperties.Deletes,
        ManifestProperties.IncrementalMode,
        ManifestProperties.ChainBroken,
        // Chain links: planning a chain without the key must still skip a compaction's sources.
        ManifestProperties.CompactedFirst,
        ManifestProperties.CompactedLast,
        ManifestProperties.CompactedCount,
    };

    /// <summary>The details of <paramref name="manifest"/>.</summary>
    public static ManifestDetails Of(BackupManifest manifest) => new()
    {
        ServerVersion = manifest.ServerVersion,
        ToolVersion = manifest.ToolVersion,
        TransactionCount = manifest.TransactionCount,
        ChangeCount = manifest.ChangeCount,
        TableRowCounts = manifest.TableRowCounts,
        Schemas = manifest.Schemas,
        Tables = manifest.Tables,
        Comment = manifest.Comment,
        Error = manifest.Error,
        Files = manifest.Files,
        Parts = manifest.Parts,
        Properties = manifest.Properties.Where(p => !StaysClear(p.Key)).ToDictionary(StringComparer.Ordinal),
    };

    /// <summary><paramref name="manifest"/> without its details: what stays readable without the key.</summary>
    public static BackupManifest EnvelopeOf(BackupManifest manifest) => manifest with
    {
        ServerVersion = null,
        ToolVersion = null,
        TransactionCount = null,
        ChangeCount = null,
        TableRowCounts = new Dictionary<string, long>(),
        Schemas = [],
        Tables = [],
        Comment = null,
        Error = null,
        Files = null,
        // Retention, copies and orphan cleanup find the objects without the key; which table each holds is sealed.
        Parts = [.. manifest.Parts.Select(p => p with { Table = null, Columns = null, Rows = null })],
        Properties = manifest.Properties.Where(p => StaysClear(p.Key)).ToDictionary(StringComparer.Ordinal),
    };

    /// <summary>The whole manifest again: <paramref name="envelope"/> with these details.</summary>
    public BackupManifest MergeInto(BackupManifest envelope) => envelope with
    {
        ServerVersion = ServerVersion,
        ToolVersion = ToolVersion,
        TransactionCount = TransactionCount,
        ChangeCount = ChangeCount,
        TableRowCounts = TableRowCounts,
        Schemas = Schemas,
        Tables = Tables,
        Comment = Comment,
        Error = Error,
        Files = Files,
        Parts = Parts.Count > 0 ? Parts : envelope.Parts,
        Properties = envelope.Properties.Where(p => StaysClear(p.Key)).Concat(Properties).ToDictionary(StringComparer.Ordinal),
    };
}
