namespace Backup.Core.Abstractions;

/// <summary>A storage provider failed. <see cref="IsTransient"/> tells whether retrying later may help.</summary>
public class BackupStorageException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupStorageException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupStorageException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupStorageException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message, its cause and whether it is transient.</summary>
    public BackupStorageException(string message, Exception? innerException, bool isTransient) : base(message, innerException) => IsTransient = isTransient;

    /// <summary>Whether the failure is likely to pass (timeouts, throttling, 5xx), so that a retry makes sense.</summary>
    public bool IsTransient { get; }
}
