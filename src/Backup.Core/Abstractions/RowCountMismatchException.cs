namespace Backup.Core.Abstractions;

/// <summary>The row counts of a restored database differ from the backup's manifest: rows were lost or added on the way.</summary>
public class RowCountMismatchException : BackupIntegrityException
{
    /// <summary>Creates the exception.</summary>
    public RowCountMismatchException() { }

    /// <summary>Creates the exception with a message.</summary>
    public RowCountMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RowCountMismatchException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a restore and its mismatches.</summary>
    public static RowCountMismatchException For(string backupId, string target, IReadOnlyList<string> mismatches) =>
        new($"The restore of backup {backupId} into '{target}' came back with row counts that differ from the manifest ({string.Join("; ", mismatches)}); the database was dropped. Verify the backup (deep) and report this.")
        {
            Mismatches = mismatches,
        };

    /// <summary>Each table whose count differs, with the expected and found counts.</summary>
    public IReadOnlyList<string> Mismatches { get; private init; } = [];
}
