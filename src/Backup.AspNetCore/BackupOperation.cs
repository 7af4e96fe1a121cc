namespace Backup.AspNetCore;

/// <summary>A long request (a backup, a restore) running in the background: poll it at <c>/operations/{id}</c>.</summary>
public sealed class BackupOperation
{
    /// <summary>The operation's id.</summary>
    public required string Id { get; init; }

    /// <summary>What it does: <c>full</c>, <c>incremental</c>, <c>files</c>, <c>restore</c>, <c>point-in-time</c>, <c>schedule-run</c>.</summary>
    public required string Kind { get; init; }

    /// <summary><c>running</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string Status { get; internal set; } = "running";

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? CompletedAt { get; internal set; }

    /// <summary>The phase it is in (dumping, restoring, ...).</summary>
    public string? Phase { get; internal set; }

    /// <summary>Bytes processed so far.</summary>
    public long Bytes { get; internal set; }

    /// <summary>What it produced (a manifest, a restore result...).</summary>
    public object? Result { get; internal set; }

    /// <summary>Why it failed, as problem details.</summary>
    public Microsoft.AspNetCore.Mvc.ProblemDetails? Error { get; internal set; }

    /// <summary>The backup it works on (a verify), so a backup's page shows only its own; not part of the API's JSON.</summary>
    internal string? BackupId { get; set; }
}
