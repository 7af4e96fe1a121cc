namespace Backup.Core.Drills;

/// <summary>Options of one restore drill.</summary>
public sealed record DrillOptions
{
    /// <summary>
    /// Recover the database as it was at this moment (e.g. five minutes ago) instead of the latest
    /// state the backups hold. Must lie in a recoverable window.
    /// </summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The schedule that ran the drill, kept in the record; none for a drill run by hand.</summary>
    public string? ScheduleId { get; init; }
}
