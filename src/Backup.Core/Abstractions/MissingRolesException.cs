namespace Backup.Core.Abstractions;

/// <summary>
/// A restore needs roles that do not exist on the target server — the disaster-recovery case of
/// restoring onto a fresh server. Set <see cref="Operations.RestoreOptions.CreateMissingRoles"/> to
/// create them from the backup, or <see cref="Operations.RestoreOptions.NoOwner"/> to restore
/// without ownership and privileges (the objects then belong to the restoring user).
/// </summary>
public class MissingRolesException : BackupDatabaseException
{
    /// <summary>Creates the exception.</summary>
    public MissingRolesException() { }

    /// <summary>Creates the exception with a message.</summary>
    public MissingRolesException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public MissingRolesException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for the roles that are missing.</summary>
    public MissingRolesException(IReadOnlyList<string> roles, string target, Exception? innerException = null)
        : base(MessageFor(roles, target), innerException, isTransient: false) => Roles = roles;

    /// <summary>The roles the restore needs that the target server lacks.</summary>
    public IReadOnlyList<string> Roles { get; } = [];

    private static string MessageFor(IReadOnlyList<string> roles, string target) =>
        $"The restore into '{target}' needs role(s) that do not exist on this server: {string.Join(", ", roles.Select(r => $"\"{r}\""))}. "
        + "Set CreateMissingRoles to create them from the backup's roles (without passwords), or NoOwner to restore without ownership and privileges "
        + "(pg_restore --no-owner --no-privileges: the objects then belong to the restoring user), or create the roles yourself.";
}
