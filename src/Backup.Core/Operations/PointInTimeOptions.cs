namespace Backup.Core.Operations;

/// <summary>Options of a point-in-time recovery.</summary>
public sealed record PointInTimeOptions
{
    /// <summary>The database to recover into. Default: a new database named <c>&lt;source&gt;_pitr_&lt;UTC time&gt;</c>.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Only report the plan (which backups, which time is reachable); touch no database.</summary>
    public bool DryRun { get; init; }

    /// <summary>Read and check every backup of the plan (hashes, tags) before touching a database.</summary>
    public bool Verify { get; init; }

    /// <summary>Also restore the newest file backup taken at or before the target (the newest of all for the latest state), with these options.</summary>
    public FileRestoreOptions? Files { get; init; }
}
