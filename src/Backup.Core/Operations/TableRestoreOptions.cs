namespace Backup.Core.Operations;

/// <summary>Options of a restore of chosen tables as they were at a moment (<see cref="BackupService.RestoreTablesAsync"/>).</summary>
public sealed record TableRestoreOptions
{
    /// <summary>The new schema of the live database the copies go into. Default: <c>restored_&lt;UTC yyyyMMdd_HHmmss&gt;</c>. Must not exist.</summary>
    public string? TargetSchema { get; init; }

    /// <summary>A new database to restore the tables into instead (under their own schemas and names); excludes <see cref="TargetSchema"/>. Must not exist.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Also restore the tables the chosen tables' foreign keys reference (and theirs), so those foreign keys are kept.</summary>
    public bool IncludeReferencedTables { get; init; }

    /// <summary>Only report the plan; touch no database.</summary>
    public bool DryRun { get; init; }
}
