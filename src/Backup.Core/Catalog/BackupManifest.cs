using System.Text.Json.Serialization;
using Backup.Core.Abstractions;
using Backup.Core.Pipeline;

namespace Backup.Core.Catalog;

/// <summary>
/// Everything known about one backup, stored as <c>metadata/&lt;id&gt;.json</c> after its data: the
/// manifest is the commit point, and the store itself is the catalog, so a fresh host with only
/// the bucket and the key can find and restore every backup. Never holds key material.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The manifest format version this library writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The manifest format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The backup's id.</summary>
    public required string Id { get; init; }

    /// <summary>Full, incremental or files.</summary>
    public required BackupType Type { get; init; }

    /// <summary>Completed or failed.</summary>
    public required BackupStatus Status { get; init; }

    /// <summary>The engine, e.g. <c>postgresql</c>.</summary>
    public string? Engine { get; init; }

    /// <summary>The database backed up.</summary>
    public string? Database { get; init; }

    /// <summary>The server's version.</summary>
    public string? ServerVersion { get; init; }

    /// <summary>The dump tool's version, e.g. <c>pg_dump 15.18</c>.</summary>
    public string? ToolVersion { get; init; }

    /// <summary>The version of Backup.Core that wrote it.</summary>
    public string? LibraryVersion { get; init; }

    /// <summary>When the backup started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>For an incremental backup, the backup it continues.</summary>
    public string? ParentId { get; init; }

    /// <summary>The full backup that starts this backup's change-capture chain (its own id for that full backup).</summary>
    public string? ChainId { get; init; }

    /// <summary>WAL position the backup starts from (a full backup's slot consistent point; an incremental's parent end).</summary>
    public string? StartLsn { get; init; }

    /// <summary>WAL position the backup reaches: the next incremental continues from here.</summary>
    public string? EndLsn { get; init; }

    /// <summary>For a chain's full backup, when its snapshot was taken: the earliest point it can recover.</summary>
    public DateTimeOffset? SnapshotAt { get; init; }

    /// <summary>For an incremental backup, the commit time of its first and last transactions.</summary>
    public DateTimeOffset? FirstCommitAt { get; init; }

    /// <summary>See <see cref="FirstCommitAt"/>.</summary>
    public DateTimeOffset? LastCommitAt { get; init; }

    /// <summary>For an incremental backup, the transactions and row changes it holds.</summary>
    public long? TransactionCount { get; init; }

    /// <summary>See <see cref="TransactionCount"/>.</summary>
    public long? ChangeCount { get; init; }

    /// <summary>Exact row counts per <c>schema.table</c> at the backup's consistent point.</summary>
    public IReadOnlyDictionary<string, long> TableRowCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>The stored data and how to check it; null for a failed backup.</summary>
    public StoredContent? Content { get; init; }

    /// <summary>
    /// For a full backup, the second object holding the server roles its objects name (owners,
    /// grantees; never passwords), stored through the same pipeline as the data — encrypted with it,
    /// since role names say something about the system. Null for backups taken before roles were recorded.
    /// </summary>
    public StoredContent? RolesContent { get; init; }

    /// <summary>
    /// For a full backup taken in parts, the table data: <see cref="Content"/> then holds pg_dump's
    /// archive without those tables' rows, and each part one table's rows (or a page range of them).
    /// Empty for a backup taken as one pg_dump stream.
    /// </summary>
    public IReadOnlyList<TableDataPart> Parts { get; init; } = [];

    /// <summary>Only these schemas were backed up; all when empty.</summary>
    public IReadOnlyList<string> Schemas { get; init; } = [];

    /// <summary>Only these tables were backed up; all when empty.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>A comment given by the caller.</summary>
    public string? Comment { get; init; }

    /// <summary>The schedule that made it, if any.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>Why it failed, for a failed backup.</summary>
    public string? Error { get; init; }

    /// <summary>A file backup: its directories, patterns, counts and warnings.</summary>
    public FileBackupDetails? Files { get; init; }

    /// <summary>A full backup taken with <c>IncludeFiles</c>: the file backup taken with it.</summary>
    public string? FileBackupId { get; init; }

    /// <summary>Engine facts (encoding, snapshot, WAL position, ...).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The plain bytes of the backup's data: its content and, for a backup taken in parts, every part.</summary>
    [JsonIgnore]
    public long RawBytes => (Content?.RawBytes ?? 0) + Parts.Sum(p => p.Content.RawBytes);

    /// <summary>The bytes the backup's data takes in the store: its content and, for a backup taken in parts, every part.</summary>
    [JsonIgnore]
    public long StoredBytes => (Content?.StoredBytes ?? 0) + Parts.Sum(p => p.Content.StoredBytes);

    /// <summary>How long it took.</summary>
    public TimeSpan? Duration => CompletedAt - StartedAt;

    /// <summary>Every object stored for this backup: its data, then the roles object and the table data parts of a full backup.</summary>
    public IEnumerable<StoredContent> StoredObjects()
    {
        if (Content is { } content)
        {
            yield return content;
        }
        if (RolesContent is { } roles)
        {
            yield return roles;
        }
        foreach (var part in Parts)
        {
            yield return part.Content;
        }
    }

    /// <summary>
    /// True when the manifest's details are encrypted and no configured key opened them: only the
    /// envelope is filled in (id, type, status, database, times, sizes, hashes, chain and WAL
    /// positions, key id, schedule), while <see cref="TableRowCounts"/>, <see cref="Schemas"/>,
    /// <see cref="Tables"/>, <see cref="Comment"/>, <see cref="Error"/>, <see cref="Files"/>,
    /// <see cref="ServerVersion"/>, <see cref="ToolVersion"/>, the transaction counts and most
    /// <see cref="Properties"/> are empty. Restoring or verifying such a backup needs the key.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool DetailsEncrypted { get; init; }

    /// <summary>The key id the details are encrypted with, when they are; never key material.</summary>
    [JsonIgnore]
    public string? DetailsKeyId => SealedDetails?.KeyId;

    /// <summary>The sealed details as stored; kept on a manifest no key opened, so saving it again loses nothing.</summary>
    [JsonInclude]
    [JsonPropertyName("details")]
    internal SealedManifestDetails? SealedDetails { get; init; }

    /// <summary>The authentication tag as stored (see <see cref="ManifestAuthenticator"/>); null on manifests written without a key.</summary>
    [JsonInclude]
    [JsonPropertyName("mac")]
    internal ManifestMac? Mac { get; init; }

    /// <summary>
    /// True when the catalog checked this manifest's authentication tag under a configured key.
    /// With <see cref="Configuration.BackupEncryptionOptions.RequireEncryption"/> on (the default
    /// with a key) every manifest the catalog returns is authenticated; with it off, a false here
    /// means nothing in the manifest can be trusted beyond what the store's access rules guarantee.
    /// </summary>
    [JsonIgnore]
    public bool Authenticated { get; init; }

    // The tagged bytes of the manifest as read, so a host without the key can tell an unchanged
    // manifest (whose tag it may write again, e.g. to another store) from a changed one (which it cannot tag).
    [JsonIgnore]
    internal byte[]? CanonicalAsRead { get; init; }

    // Why no key opened the details; said when an operation needs them.
    [JsonIgnore]
    internal string? DetailsUnreadableReason { get; init; }

    /// <summary>This manifest, when its details are readable.</summary>
    /// <exception cref="EncryptionKeyException">Its details are encrypted and no configured key opens them.</exception>
    internal BackupManifest RequireDetails() => DetailsEncrypted
        ? throw new EncryptionKeyException(
            $"The details of backup '{Id}' (tables, row counts, engine facts) cannot be read: {DetailsUnreadableReason ?? "no key is configured"}. Configure the key '{DetailsKeyId}' (Backup:Encryption:Key, or Backup:Encryption:DecryptionKeys after a rotation) to restore or verify this backup.",
            DetailsKeyId ?? "")
        : this;
}
