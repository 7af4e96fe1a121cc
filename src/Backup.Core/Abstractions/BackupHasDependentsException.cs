namespace Backup.Core.Abstractions;

/// <summary>
/// A backup others depend on (a full backup with incrementals or continuous segments of its chain,
/// an incremental with later ones) was not deleted: without it they could not be restored, and a
/// latest restore would quietly fall back to an older backup. Delete with cascade to remove them too.
/// </summary>
public class BackupHasDependentsException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupHasDependentsException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupHasDependentsException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupHasDependentsException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="backupId"/> and the ids of the backups that depend on it.</summary>
    public BackupHasDependentsException(string backupId, IReadOnlyList<string> dependentIds)
        : base($"The backup '{backupId}' was not deleted: {dependentIds.Count} backup(s) depend on it ({string.Join(", ", dependentIds)}) and could not be restored without it. Delete them first, or delete with cascade to delete them too (newest first).")
    {
        BackupId = backupId;
        DependentIds = dependentIds;
    }

    /// <summary>The backup that was not deleted.</summary>
    public string? BackupId { get; }

    /// <summary>The backups that depend on it, newest first.</summary>
    public IReadOnlyList<string> DependentIds { get; } = [];
}
