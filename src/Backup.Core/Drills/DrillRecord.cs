namespace Backup.Core.Drills;

/// <summary>
/// What a restore drill did and how long the recovery took, as kept in the store
/// (<c>drills/&lt;id&gt;.json</c>). Holds no connection strings, passwords or keys.
/// </summary>
public sealed record DrillRecord
{
    /// <summary>Sortable by time: the newest drill has the greatest id.</summary>
    public required string Id { get; init; }

    /// <summary>Whether the restore, the row counts and every check passed.</summary>
    public bool Success { get; init; }

    /// <summary>Why the drill failed (the failing check's name among it); null when it succeeded.</summary>
    public string? Error { get; init; }

    /// <summary>When the drill started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended, scratch database dropped.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The moment recovered to; null for the latest state.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The moment the recovered database actually reached (the last transaction applied).</summary>
    public DateTimeOffset? Reached { get; init; }

    /// <summary>The schedule that ran it; null when run by hand.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>The scratch database restored into (dropped again).</summary>
    public string ScratchDatabase { get; init; } = "";

    /// <summary>
    /// The server the scratch database was on (<c>host:port</c>) when drills restore on another
    /// server (<see cref="RestoreDrillsOptions.TargetConnectionString"/>); null on the backed-up server.
    /// </summary>
    public string? TargetServer { get; init; }

    /// <summary>The full backup restored, then the incrementals replayed, in order (empty when the drill failed before recovery began).</summary>
    public IReadOnlyList<string> BackupIds { get; init; } = [];

    /// <summary>The recovery time: restore, replay, verification and checks, in seconds (the scratch drop excluded).</summary>
    public double TotalSeconds { get; init; }

    /// <summary>Plain bytes restored and replayed (the backups' raw sizes).</summary>
    public long Bytes { get; init; }

    /// <summary>Bytes read from the store (the backups' stored sizes: compressed, encrypted).</summary>
    public long StoredBytes { get; init; }

    /// <summary><see cref="Bytes"/> per second of <see cref="TotalSeconds"/>, in MB (10^6 bytes) per second.</summary>
    public double MegabytesPerSecond { get; init; }

    /// <summary>Where the time went; phases not reached are zero.</summary>
    public DrillPhases Phases { get; init; } = new();

    /// <summary>The host's checks, in order; those after a failed one did not run.</summary>
    public IReadOnlyList<DrillCheckResult> Checks { get; init; } = [];
}
