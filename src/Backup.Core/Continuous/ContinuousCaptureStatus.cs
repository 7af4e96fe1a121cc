namespace Backup.Core.Continuous;

/// <summary>Continuous capture as it runs in this process, for <c>status</c>, the health check and the metrics.</summary>
public sealed record ContinuousCaptureStatus
{
    /// <summary>Whether the hosted capture is running in this process.</summary>
    public bool Running { get; init; }

    /// <summary>The chain being recorded (its full backup's id).</summary>
    public string? ChainId { get; init; }

    /// <summary>The newest moment every commit up to which is stored (the recovery point); null before the first segment.</summary>
    public DateTimeOffset? RecoveryPoint { get; init; }

    /// <summary>Now minus <see cref="RecoveryPoint"/>.</summary>
    public TimeSpan? RecoveryPointLag { get; init; }

    /// <summary>Segments stored since the process started.</summary>
    public long SegmentsStored { get; init; }

    /// <summary>Bytes of segments waiting in the spool.</summary>
    public long SpooledBytes { get; init; }

    /// <summary>The faults that last now, with what they are and since when.</summary>
    public IReadOnlyList<CaptureFaultStatus> Faults { get; init; } = [];
}

/// <summary>A fault that lasts.</summary>
/// <param name="Fault">Which.</param>
/// <param name="Message">What happened.</param>
/// <param name="Since">Since when.</param>
public sealed record CaptureFaultStatus(CaptureFault Fault, string Message, DateTimeOffset Since);
