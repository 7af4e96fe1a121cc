namespace Backup.Core.Notifications;

/// <summary>One message about an incident: its start (or a change of its state), or its end (<see cref="Resolved"/>).</summary>
public sealed record BackupNotification
{
    /// <summary>What the incident is about.</summary>
    public required BackupNotificationKind Kind { get; init; }

    /// <summary>
    /// The incident's key, the same for every message about it (e.g. <c>backup-failed:full/nightly</c>);
    /// a receiver can group or close its own tickets by it.
    /// </summary>
    public required string IncidentKey { get; init; }

    /// <summary>True when this message says the incident is over (e.g. a backup succeeded after failures).</summary>
    public bool Resolved { get; init; }

    /// <summary>One line for a subject or a chat message.</summary>
    public required string Title { get; init; }

    /// <summary>What happened and what to look at.</summary>
    public required string Message { get; init; }

    /// <summary>When it was observed.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The backup concerned, when there is one.</summary>
    public string? BackupId { get; init; }

    /// <summary>On a resolution: how many repeats of the incident were suppressed while it was open.</summary>
    public int SuppressedRepeats { get; init; }

    /// <summary>Further facts (database, schedule, store, health status); never secrets.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The event name receivers switch on: e.g. <c>backup-failed</c>, or <c>backup-failed.resolved</c>.</summary>
    public string EventName => KindName(Kind) + (Resolved ? ".resolved" : "");

    /// <summary>The kind as it appears in event names and incident keys.</summary>
    public static string KindName(BackupNotificationKind kind) => kind switch
    {
        BackupNotificationKind.BackupFailed => "backup-failed",
        BackupNotificationKind.ChainBroken => "chain-broken",
        BackupNotificationKind.DrillFailed => "drill-failed",
        BackupNotificationKind.CopyFailed => "copy-failed",
        BackupNotificationKind.HealthChanged => "health-changed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown notification kind."),
    };
}
