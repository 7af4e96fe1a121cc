namespace Backup.Core.Drills;

/// <summary>One successful drill's recovery time against the data it restored: a point of the RTO-per-GB series.</summary>
public sealed record DrillRecoveryTime
{
    /// <summary>The drill's record id.</summary>
    public required string Id { get; init; }

    /// <summary>When the drill started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Plain bytes restored and replayed.</summary>
    public long Bytes { get; init; }

    /// <summary>The measured recovery time, in seconds.</summary>
    public double TotalSeconds { get; init; }

    /// <summary>Seconds of recovery per GB (10^9 bytes) restored: the recovery time a database of that size can expect.</summary>
    public double SecondsPerGigabyte { get; init; }

    /// <summary>MB (10^6 bytes) restored per second of recovery.</summary>
    public double MegabytesPerSecond { get; init; }

    /// <summary>Where the time went.</summary>
    public DrillPhases Phases { get; init; } = new();
}
