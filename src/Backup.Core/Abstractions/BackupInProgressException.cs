namespace Backup.Core.Abstractions;

/// <summary>Another backup of the same database is running (in this process or another replica); this one did not start.</summary>
public class BackupInProgressException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupInProgressException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupInProgressException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupInProgressException(string message, Exception? innerException) : base(message, innerException) { }
}
