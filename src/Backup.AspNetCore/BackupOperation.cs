namespace Backup.AspNetCore;

/// <summary>A long request (a backup, a restore) running in the background: poll it at <c>/operations/{id}</c>.</summary>
public sealed class BackupOperation
{
    /// <summary>The operation's id.</summary>
    public required string Id { get; init; }

    /// <summary>What it does: <c>full</c>, <c>incremental</c>, <c>files</c>, <c>restore</c>, <c>point-in-time</c>, <c>schedule-run</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>
    /// <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c> (a cancellation was asked for),
    /// or <c>abandoned</c> (the replica that ran it stopped without ending it).
    /// </summary>
    public string Status { get; internal set; } = "running";

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? CompletedAt { get; internal set; }

    /// <summary>The phase it is in (dumping, restoring, ...).</summary>
    public string? Phase { get; internal set; }

    /// <summary>Bytes processed so far.</summary>
    public long Bytes { get; internal set; }

    /// <summary>The bytes of the whole, when known (a restore knows its backup's size); null otherwise.</summary>
    public long? Total { get; internal set; }

    /// <summary><see cref="Bytes"/> of <see cref="Total"/> in percent, when the total is known.</summary>
    public double? Percent { get; internal set; }

    /// <summary>Whether a cancellation was asked for.</summary>
    public bool CancelRequested { get; internal set; }

    /// <summary>
    /// What it produced (a manifest, a restore result...). Read on another replica than the one that
    /// ran it, a summary: the result's top-level values (such as the stored backup's id).
    /// </summary>
    public object? Result { get; internal set; }

    /// <summary>Why it failed, as problem details.</summary>
    public Microsoft.AspNetCore.Mvc.ProblemDetails? Error { get; internal set; }

    /// <summary>The backup it works on (a verify), so a backup's page shows only its own; not part of the API's JSON.</summary>
    internal string? BackupId { get; set; }

    /// <summary>
    /// Guards the state a progress report and the end both set (status, phase, bytes, percent), so a
    /// late report never undoes the end, and a record is written from one consistent state.
    /// </summary>
    internal Lock Gate { get; } = new();

    /// <summary>Lets one write of its record to the store at a time, in the order they were asked for.</summary>
    internal SemaphoreSlim Saves { get; } = new(1, 1);

    /// <summary>
    /// Cancels the work of an operation this process runs; null for one read from the store. Never
    /// disposed (it holds no timer or link to dispose), so a cancel arriving as it ends cannot fail.
    /// </summary>
    internal CancellationTokenSource? Cancellation { get; init; }

    /// <summary>The first write of its record to the store: the 202 waits for it, so a poll on any replica finds it.</summary>
    internal Task Recorded { get; set; } = Task.CompletedTask;
}
