using Backup.Core.Abstractions;

namespace Backup.Core.Runs;

/// <summary>What a backup run is: its type, what it backs up, and the caller's comment and schedule.</summary>
/// <param name="Type">Full, incremental or files.</param>
/// <param name="Database">The database backed up; null for a file backup (recorded in a failure record).</param>
/// <param name="Source">What the log names as backed up: the database, or the file backup's roots.</param>
/// <param name="Comment">The caller's comment.</param>
/// <param name="ScheduleId">The schedule that runs it, if any.</param>
internal sealed record BackupRun(BackupType Type, string? Database, string Source, string? Comment, string? ScheduleId)
{
    /// <summary>
    /// An incremental that meets a schema change takes a full backup instead (a new chain): the
    /// change is then no failure of the incremental, and no failure record is written for it.
    /// </summary>
    public bool SchemaChangeStartsNewChain { get; init; }

    /// <summary>Properties the caller adds to the stored manifest (a migration's id), over the producer's.</summary>
    public IReadOnlyDictionary<string, string> Marks { get; init; } = new Dictionary<string, string>();
}
