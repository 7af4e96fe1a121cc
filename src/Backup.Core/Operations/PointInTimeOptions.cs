namespace Backup.Core.Operations;

/// <summary>Options of a point-in-time recovery.</summary>
public sealed record PointInTimeOptions
{
    /// <summary>The database to recover into. Default: a new database named <c>&lt;source&gt;_pitr_&lt;UTC time&gt;</c>.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Only report the plan (which backups, which time is reachable); touch no database.</summary>
    public bool DryRun { get; init; }

    /// <summary>Read and check every backup of the plan (hashes, tags) before touching a database.</summary>
    public bool Verify { get; init; }

    /// <summary>Also restore the newest file backup taken at or before the target (the newest of all for the latest state), with these options.</summary>
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

    /// <summary>
    /// Refresh every populated materialized view at the end of recovery, views read by others first,
    /// when changes were replayed. A refresh is not in the change stream, so without it each view keeps
    /// what pg_restore computed from the full backup's tables, however far the target is past it.
    /// Default true: the recovered views agree with the recovered tables, as the source's do after
    /// its next refresh. Turn it off when a view is too costly to recompute or must stay as of the
    /// full backup. <see cref="PointInTimeResult.MaterializedViews"/> says what was done with each.
    /// Chains that capture schema changes (<c>Backup:Postgres:CaptureDdl</c>) replay each refresh at
    /// its place instead, and ignore this option: their views are as the source had them.
    /// </summary>
    public bool RefreshMaterializedViews { get; init; } = true;
}
