namespace Backup.Core.OperationRecords;

/// <summary>
/// The state of a long operation (a backup, a restore) as every replica sees it: kept in the backup
/// store by <see cref="OperationRecordStore"/>, written by the replica that runs it.
/// </summary>
public sealed record OperationRecord
{
    /// <summary>The operation's id (32 hexadecimal digits).</summary>
    public required string Id { get; init; }

    /// <summary>What it does: <c>full</c>, <c>incremental</c>, <c>files</c>, <c>restore</c>, <c>point-in-time</c>, ...</summary>
    public required string Kind { get; init; }

    /// <summary>One of <see cref="OperationStatus"/>'s values.</summary>
    public string Status { get; init; } = OperationStatus.Running;

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended (for an abandoned one: when that was noticed).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The phase it is in.</summary>
    public string? Phase { get; init; }

    /// <summary>Plain bytes moved so far.</summary>
    public long Bytes { get; init; }

    /// <summary>The plain bytes of the whole, when known.</summary>
    public long? Total { get; init; }

    /// <summary><see cref="Bytes"/> of <see cref="Total"/> in percent, when the total is known.</summary>
    public double? Percent { get; init; }

    /// <summary>The replica that runs it (machine name and process id).</summary>
    public string? Owner { get; init; }

    /// <summary>When its owner last wrote it; a running record whose heartbeat is too old was left by a replica that died.</summary>
    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>
    /// How often its owner writes it. A reader judges it abandoned by this, its owner's interval, not
    /// its own (null in records written before it was kept: the reader's limit applies).
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>Whether a cancellation was asked for (on any replica).</summary>
    public bool CancelRequested { get; init; }

    /// <summary>A short summary of what it produced (such as the id of the backup it stored), as top-level values.</summary>
    public IReadOnlyDictionary<string, string>? Result { get; init; }

    /// <summary>Why it failed, as problem details.</summary>
    public OperationError? Error { get; init; }

    /// <summary>The backup it works on, when there is one (a verify).</summary>
    public string? BackupId { get; init; }
}
