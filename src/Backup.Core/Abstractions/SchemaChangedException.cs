namespace Backup.Core.Abstractions;

/// <summary>
/// A table changed shape (or appeared) since the change-capture chain's full backup: its changes
/// cannot be replayed onto that backup. Take a new full backup, which starts a new chain.
/// </summary>
public class SchemaChangedException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public SchemaChangedException() { }

    /// <summary>Creates the exception with a message.</summary>
    public SchemaChangedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SchemaChangedException(string message, Exception? innerException) : base(message, innerException) { }
}
