namespace Backup.Core.Drills;

/// <summary>
/// Where a drill's recovery time went, in seconds. Download is not a phase of its own: the data
/// streams from the store straight into the restore and the replay, so its time is inside theirs.
/// </summary>
public sealed record DrillPhases
{
    /// <summary>Restoring the full backup (reading it from the store and pg_restore).</summary>
    public double RestoreSeconds { get; init; }

    /// <summary>Replaying the chain's incremental backups up to the target (with the materialized view refresh).</summary>
    public double ReplaySeconds { get; init; }

    /// <summary>Counting the restored tables' rows against the full backup's manifest.</summary>
    public double VerifySeconds { get; init; }

    /// <summary>Running the host's checks.</summary>
    public double ChecksSeconds { get; init; }
}
