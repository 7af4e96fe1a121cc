namespace Backup.Core.Abstractions;

/// <summary>A backup grew past the configured size limit (MAX_BACKUP_SIZE_MB) and was stopped; nothing of it was kept.</summary>
public class BackupSizeLimitExceededException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupSizeLimitExceededException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupSizeLimitExceededException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupSizeLimitExceededException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a limit and the size reached.</summary>
    public BackupSizeLimitExceededException(long limitBytes, long reachedBytes)
        : base($"The backup was stopped at {reachedBytes:N0} stored bytes: it exceeds the size limit of {limitBytes:N0} bytes ({limitBytes / (1024.0 * 1024):0.#} MB, MAX_BACKUP_SIZE_MB). Nothing of it was kept. Raise the limit or back up less (tables, schemas).")
    {
        LimitBytes = limitBytes;
        ReachedBytes = reachedBytes;
    }

    /// <summary>The limit in stored bytes.</summary>
    public long LimitBytes { get; }

    /// <summary>How many stored bytes the backup had reached when it was stopped.</summary>
    public long ReachedBytes { get; }
}
