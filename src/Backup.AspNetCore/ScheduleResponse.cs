using Backup.Core.Abstractions;

namespace Backup.AspNetCore;

/// <summary>A schedule as the API shows it: its definition, when it runs next, how its last run went, and its health.</summary>
public sealed record ScheduleResponse
{
    /// <summary>Stable id.</summary>
    public required string Id { get; init; }

    /// <summary>A name for people.</summary>
    public required string Name { get; init; }

    /// <summary>What it backs up.</summary>
    public BackupType Type { get; init; }

    /// <summary>Five fields, or six with seconds first.</summary>
    public required string CronExpression { get; init; }

    /// <summary>The time zone the expression is read in; UTC when null.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Whether it fires.</summary>
    public bool Enabled { get; init; }

    /// <summary>Per-run options.</summary>
    public required BackupScheduleOptions Options { get; init; }

    /// <summary>When it fires next; null when disabled or never again.</summary>
    public DateTimeOffset? NextRun { get; init; }

    /// <summary>A run is going on now in this process.</summary>
    public bool Running { get; init; }

    /// <summary>Its last run; null when it never ran.</summary>
    public ScheduleLastRun? LastRun { get; init; }

    /// <summary><c>ok</c>, <c>failing</c> (failed too many times in a row) or <c>overdue</c> (a run it owed has not happened).</summary>
    public required string Health { get; init; }

    /// <summary>Why it is failing or overdue; null when ok.</summary>
    public string? Problem { get; init; }
}

/// <summary>A schedule's last run.</summary>
public sealed record ScheduleLastRun
{
    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary><c>succeeded</c> or <c>failed</c>; null while unknown.</summary>
    public string? Outcome { get; init; }

    /// <summary>The id of the backup it made; for a failed run, where its error is (the server log: it names servers and paths).</summary>
    public string? Result { get; init; }

    /// <summary>How long it took, in seconds.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Failed runs since the last one that succeeded.</summary>
    public int ConsecutiveFailures { get; init; }
}
