namespace Backup.Core.Abstractions;

/// <summary>
/// A server-level role a database needs: it owns objects in the database or is granted rights on
/// them. Roles live outside any one database, so a dump of the database does not create them;
/// they travel with each full backup so that a restore onto a fresh server can create them
/// (<see cref="Operations.RestoreOptions.CreateMissingRoles"/>). Never holds a password.
/// </summary>
public sealed record DatabaseRole
{
    /// <summary>The role's name.</summary>
    public required string Name { get; init; }

    /// <summary>LOGIN (true) or NOLOGIN.</summary>
    public bool Login { get; init; }

    /// <summary>INHERIT (true, PostgreSQL's default) or NOINHERIT.</summary>
    public bool Inherit { get; init; } = true;

    /// <summary>CREATEDB.</summary>
    public bool CreateDatabase { get; init; }

    /// <summary>CREATEROLE.</summary>
    public bool CreateRole { get; init; }

    /// <summary>Whether the role was a superuser on the source server (recorded; never recreated, see <see cref="Operations.RestoreOptions.CreateMissingRoles"/>).</summary>
    public bool Superuser { get; init; }

    /// <summary>Whether the role had REPLICATION on the source server (recorded; never recreated).</summary>
    public bool Replication { get; init; }

    /// <summary>Whether the role had BYPASSRLS on the source server (recorded; never recreated).</summary>
    public bool BypassRowSecurity { get; init; }

    /// <summary>CONNECTION LIMIT; -1 for none.</summary>
    public int ConnectionLimit { get; init; } = -1;

    /// <summary>VALID UNTIL, when set.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>The roles (among those the database needs) this role is a member of.</summary>
    public IReadOnlyList<string> MemberOf { get; init; } = [];
}
