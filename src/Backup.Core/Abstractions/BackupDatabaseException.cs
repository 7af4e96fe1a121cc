namespace Backup.Core.Abstractions;

/// <summary>
/// The database or its tools failed: cannot connect, wrong password, no such database, pg_dump
/// missing or too old, a tool exited with an error. <see cref="IsTransient"/> tells whether a
/// retry may help. Messages never contain passwords.
/// </summary>
public class BackupDatabaseException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupDatabaseException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupDatabaseException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupDatabaseException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message, its cause and whether it is transient.</summary>
    public BackupDatabaseException(string message, Exception? innerException, bool isTransient) : base(message, innerException) => IsTransient = isTransient;

    /// <summary>Whether the failure may pass by itself (server starting, network), so that a retry makes sense.</summary>
    public bool IsTransient { get; }
}
