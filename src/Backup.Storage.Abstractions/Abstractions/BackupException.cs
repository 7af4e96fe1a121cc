namespace Backup.Core.Abstractions;

/// <summary>The base of every error Backup.Core raises on purpose. Messages say what happened and what to do.</summary>
public class BackupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackupException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupException(string message, Exception? innerException) : base(message, innerException) { }
}
