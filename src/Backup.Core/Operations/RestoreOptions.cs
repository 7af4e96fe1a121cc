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

    /// <summary>Only report the plan: nothing is read beyond the manifest and nothing is written.</summary>
    public bool DryRun { get; init; }

    /// <summary>Only these tables (<c>schema.table</c>); all when empty.</summary>
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
