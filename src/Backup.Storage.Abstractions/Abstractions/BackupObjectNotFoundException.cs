namespace Backup.Core.Abstractions;

/// <summary>No stored object (or backup) has the key (or id) asked for.</summary>
public class BackupObjectNotFoundException : BackupStorageException
{
    /// <summary>Creates the exception.</summary>
    public BackupObjectNotFoundException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupObjectNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupObjectNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
