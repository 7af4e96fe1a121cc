namespace Backup.Core.Abstractions;

/// <summary>No backup has the id asked for.</summary>
public class BackupNotFoundException : BackupObjectNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public BackupNotFoundException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupNotFoundException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for an id and the store searched.</summary>
    public static BackupNotFoundException ForId(string id, string store) =>
        new($"No backup with the id '{id}' in the {store} store. List the backups to see which exist.") { BackupId = id };

    /// <summary>The id asked for.</summary>
    public string? BackupId { get; private init; }
}
