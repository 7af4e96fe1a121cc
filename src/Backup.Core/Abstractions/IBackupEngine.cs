namespace Backup.Core.Abstractions;

/// <summary>
/// A database engine: writes a backup of a database to a stream and restores one from a stream.
/// The streams carry plain engine output; compression, encryption, hashing and storage are the
/// pipeline's job.
/// </summary>
public interface IBackupEngine
{
    /// <summary>The engine's name as written in manifests, e.g. <c>postgresql</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Writes a backup of the kind <paramref name="request"/> asks for into <paramref name="destination"/>,
    /// streaming: the engine never holds the whole backup in memory.
    /// </summary>
    /// <returns>What the engine knows about the backup it wrote, for the manifest.</returns>
    Task<EngineBackupResult> BackupAsync(EngineBackupRequest request, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>Restores a backup read from <paramref name="source"/> as <paramref name="request"/> describes.</summary>
    Task RestoreAsync(EngineRestoreRequest request, Stream source, CancellationToken cancellationToken = default);
}

/// <summary>What an <see cref="IBackupEngine"/> is asked to back up.</summary>
public sealed record EngineBackupRequest
{
    /// <summary>Full or incremental.</summary>
    public BackupType Type { get; init; } = BackupType.Full;

    /// <summary>For an incremental backup, the backup whose end it continues from.</summary>
    public string? ParentBackupId { get; init; }

    /// <summary>Only these schemas; all when empty.</summary>
    public IReadOnlyList<string> Schemas { get; init; } = [];

    /// <summary>Only these tables (<c>schema.table</c>); all when empty.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>
    /// Dump on this already exported snapshot (e.g. a replication slot's, so that the dump and the
    /// slot's change stream meet exactly) instead of exporting a new one. The exporter must keep it alive.
    /// </summary>
    public string? SnapshotName { get; init; }

    /// <summary>When another backup of the same database is running: wait for it (true) or fail at once with <see cref="BackupInProgressException"/> (false, the default).</summary>
    public bool WaitIfBusy { get; init; }

    /// <summary>The caller holds the database's backup lock already (a chain's full backup takes it before creating the slot).</summary>
    internal bool DatabaseLockHeld { get; init; }
}

/// <summary>What an engine reports about a backup it wrote.</summary>
public sealed record EngineBackupResult
{
    /// <summary>The database that was backed up.</summary>
    public required string Database { get; init; }

    /// <summary>The server's version string.</summary>
    public string? ServerVersion { get; init; }

    /// <summary>The version of the tool that wrote the backup, e.g. pg_dump's.</summary>
    public string? ToolVersion { get; init; }

    /// <summary>Exact row counts per table (<c>schema.table</c>) at the backup's consistent point.</summary>
    public IReadOnlyDictionary<string, long> TableRowCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>Engine-specific facts for the manifest (e.g. LSN range), never secrets.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The server roles the backed-up objects name (owners, grantees), without passwords; null when the engine does not read them.</summary>
    public IReadOnlyList<DatabaseRole>? Roles { get; init; }
}

/// <summary>How an <see cref="IBackupEngine"/> restores a backup.</summary>
public sealed record EngineRestoreRequest
{
    /// <summary>The database to restore into.</summary>
    public required string TargetDatabase { get; init; }

    /// <summary>Drop and recreate the target when it exists; otherwise an existing target is an error.</summary>
    public bool DropExisting { get; init; }

    /// <summary>Only these tables (<c>schema.table</c>); all when empty.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>With <see cref="DropExisting"/>: end other sessions connected to the target first.</summary>
    public bool TerminateConnections { get; init; }

    /// <summary>What the engine reported when it made the backup (e.g. the database's encoding).</summary>
    public IReadOnlyDictionary<string, string> BackupProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>The roles the backup's objects name, as recorded with it; null for a backup taken before roles were recorded.</summary>
    public IReadOnlyList<DatabaseRole>? Roles { get; init; }

    /// <summary>
    /// Whether <see cref="Roles"/> names every role the archive needs (a whole-database backup
    /// restored whole): then missing roles are reported before the target database is created.
    /// </summary>
    public bool CheckRolesFirst { get; init; }

    /// <summary>Create the roles of <see cref="Roles"/> that the server lacks before restoring (roles that exist are left alone).</summary>
    public bool CreateMissingRoles { get; init; }

    /// <summary>Restore without ownership and privileges (<c>--no-owner --no-privileges</c>): the objects belong to the restoring user.</summary>
    public bool NoOwner { get; init; }
}
