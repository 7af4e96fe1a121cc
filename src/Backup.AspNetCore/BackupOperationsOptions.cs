namespace Backup.AspNetCore;

/// <summary>How long the API keeps finished operations in memory (<c>AddBackupEndpoints(o => ...)</c>).</summary>
public sealed class BackupOperationsOptions
{
    /// <summary>A finished operation is forgotten this long after it ended (default one hour).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// At most this many operations are kept (default 1000); past it the oldest finished ones are
    /// forgotten first. Running operations are never forgotten.
    /// </summary>
    public int MaxCount { get; set; } = 1000;
}
