namespace Backup.Core.Operations;

/// <summary>Options of one restore.</summary>
public sealed record RestoreOptions
{
    /// <summary>The database to restore into. Default: a new database named <c>&lt;source&gt;_restored_&lt;UTC time to the millisecond&gt;</c>.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Replace the target when it exists. Without this, an existing target is an error.</summary>
    public bool DropExisting { get; init; }

    /// <summary>With <see cref="DropExisting"/>: end other sessions on the target (otherwise they make the restore fail).</summary>
    public bool TerminateConnections { get; init; }

    /// <summary>Read the whole backup and check every hash and tag before touching any database.</summary>
    public bool VerifyBeforeRestore { get; init; }

    /// <summary>
    /// Only report the plan: nothing is written. Nothing is read beyond the manifest, except with
    /// <see cref="Tables"/>: then the archive's table of contents and schema are read (pg_restore
    /// <c>--list</c> and <c>--schema-only</c>, which stop early) to check the names and list exactly
    /// what would be restored and left out.
    /// </summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Only these tables (<c>schema.table</c>, a bare name meaning <c>public</c>; <c>"my.schema".table</c>
    /// when a name holds a dot); all when empty. A partitioned table brings its partitions, a
    /// partition its parents' definitions. A name the backup does not hold fails with
    /// <see cref="Abstractions.UnknownTableException"/> before any database is touched.
    /// </summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>Also restore the file backup taken with this full backup (<see cref="FullBackupOptions.IncludeFiles"/>), with these options.</summary>
    public FileRestoreOptions? Files { get; init; }

    /// <summary>
    /// Create the roles the backup's objects name (owners, grantees, recorded with every full backup)
    /// that do not exist on the target server, before restoring — the disaster-recovery case of a
    /// fresh server. Roles that exist are left alone; created roles get LOGIN/NOLOGIN, INHERIT,
    /// CREATEDB, CREATEROLE, connection limit and memberships as on the source, but never a
    /// password, SUPERUSER, REPLICATION or BYPASSRLS. Needs a user with CREATEROLE (or a superuser).
    /// Off by default, so a restore never changes the server's roles unasked.
    /// </summary>
    public bool CreateMissingRoles { get; init; }

    /// <summary>
    /// Restore without ownership and privileges (<c>pg_restore --no-owner --no-privileges</c>): the
    /// objects belong to the restoring user and no GRANTs are restored, so no role needs to exist.
    /// </summary>
    public bool NoOwner { get; init; }
}
