namespace Backup.Core.Abstractions;

/// <summary>A backup id is malformed (ids look like <c>20261130T021500123Z-1a2b3c4d</c>); it was not used for anything.</summary>
public class InvalidBackupIdException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public InvalidBackupIdException() { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public InvalidBackupIdException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for the malformed id (shown with control characters escaped).</summary>
    public InvalidBackupIdException(string? id)
        : base($"'{Printable(id)}' is not a backup id. Ids look like 20261130T021500123Z-1a2b3c4d (see ListBackupsAsync).") => Id = id;

    /// <summary>The id that was given.</summary>
    public string? Id { get; }

    private static string Printable(string? id) =>
        id is null ? "(null)" : string.Concat(id.Take(100).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
