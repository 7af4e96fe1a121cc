namespace Backup.Core.Abstractions;

/// <summary>
/// A file-backup archive holds an entry that would be written outside the restore target (a
/// <c>..</c> segment, an absolute name, a link pointing out, a path through a symbolic link).
/// Nothing is written for it, nor outside the target for any entry.
/// </summary>
public class UnsafeArchiveEntryException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public UnsafeArchiveEntryException() { }

    /// <summary>Creates the exception with a message.</summary>
    public UnsafeArchiveEntryException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnsafeArchiveEntryException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for one entry.</summary>
    public UnsafeArchiveEntryException(string entryName, string reason) : base($"The archive entry '{entryName}' was refused: {reason}. Nothing was written for it.") => EntryName = entryName;

    /// <summary>The entry's name as the archive gives it.</summary>
    public string? EntryName { get; }
}
