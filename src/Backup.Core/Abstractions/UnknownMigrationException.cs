namespace Backup.Core.Abstractions;

/// <summary>A recovery "before migration X" named a migration no pre-migration backup recorded. Raised before any database is touched.</summary>
public class UnknownMigrationException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public UnknownMigrationException() { }

    /// <summary>Creates the exception with a message.</summary>
    public UnknownMigrationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnknownMigrationException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="migrationId"/>, listing the ids the store knows.</summary>
    public static UnknownMigrationException For(string migrationId, string database, IReadOnlyList<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var list = known.Count == 0 ? "none is recorded yet" : "known: " + string.Join(", ", known);
        return new($"No pre-migration backup of '{database}' is recorded for migration '{migrationId}' ({list}). Take one with BackupBeforeMigrationAsync before applying the migration.")
        {
            MigrationId = migrationId,
            KnownMigrationIds = known,
        };
    }

    /// <summary>The id asked for.</summary>
    public string MigrationId { get; private init; } = "";

    /// <summary>The migration ids the store holds a pre-migration backup for, oldest first.</summary>
    public IReadOnlyList<string> KnownMigrationIds { get; private init; } = [];
}
