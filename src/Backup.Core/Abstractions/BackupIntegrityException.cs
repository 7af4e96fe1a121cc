namespace Backup.Core.Abstractions;

/// <summary>
/// Stored data is corrupt, truncated, reordered, extended or tampered with: a checksum or an
/// authentication tag did not match. No byte that failed a check is ever handed out.
/// </summary>
public class BackupIntegrityException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupIntegrityException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupIntegrityException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupIntegrityException(string message, Exception? innerException) : base(message, innerException) { }
}
