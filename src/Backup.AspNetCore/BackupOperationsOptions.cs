namespace Backup.AspNetCore;

/// <summary>How long the API keeps finished operations, and how often a running one is written to the store (<c>AddBackupEndpoints(o => ...)</c>).</summary>
public sealed class BackupOperationsOptions
{
    /// <summary>A finished operation is forgotten (in memory and in the store) this long after it ended (default one hour).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// At most this many operations are kept in memory (default 1000); past it the oldest finished
    /// ones are forgotten first. Running operations are never forgotten.
    /// </summary>
    public int MaxCount { get; set; } = 1000;

    /// <summary>
    /// How often a running operation's record is written to the store (its progress and a heartbeat)
    /// and checked for a cancellation asked for on another replica (default 2 seconds). A running
    /// record whose heartbeat is 15 intervals old is reported abandoned: its replica died.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);
}
