namespace Backup.Core.Operations;

/// <summary>Options of one full backup.</summary>
public sealed record FullBackupOptions
{
    /// <summary>Compress with the configured codec (default true).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Encrypt with the configured key; when null, as configured (BACKUP_ENCRYPTION_ENABLED).</summary>
    public bool? Encrypt { get; init; }

    /// <summary>A comment kept in the manifest.</summary>
    public string? Comment { get; init; }

    /// <summary>Only these schemas; all when empty.</summary>
    public IReadOnlyList<string> Schemas { get; init; } = [];

    /// <summary>Only these tables (<c>schema.table</c>); all when empty.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>
    /// When a backup of the same database is already running: wait for it (true), or fail at once
    /// with <c>BackupInProgressException</c> (false, the default — a scheduler should not pile up runs).
    /// </summary>
    public bool WaitIfBusy { get; init; }

    /// <summary>The schedule that asked for it, recorded in the manifest.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>
    /// Also back up these directories, as a file backup linked from the full backup's manifest
    /// (<see cref="Catalog.BackupManifest.FileBackupId"/>). If the file backup fails, the database
    /// backup stands; the manifest records the error under <c>filesError</c>.
    /// </summary>
    public FileBackupOptions? IncludeFiles { get; init; }

    // Properties added to the stored manifest (the pre-migration hook's migration id); internal, so
    // a caller's request cannot forge a mark.
    internal IReadOnlyDictionary<string, string> Marks { get; init; } = new Dictionary<string, string>();
}
