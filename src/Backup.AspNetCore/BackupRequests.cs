using Backup.Core.Operations;

namespace Backup.AspNetCore;

/// <summary>Body of <c>POST files</c>: a file backup's name and options.</summary>
public sealed record FileBackupRequest
{
    /// <summary>The backup's name.</summary>
    public required string Name { get; init; }

    /// <summary>Directories and patterns.</summary>
    public required FileBackupOptions Options { get; init; }
}

/// <summary>Body of <c>POST restore/point-in-time</c>.</summary>
public sealed record PointInTimeRequest
{
    /// <summary>The moment to recover; the latest state when null (and no <see cref="BeforeMigration"/>).</summary>
    public DateTimeOffset? Target { get; init; }

    /// <summary>Recover to just before this migration, the point its pre-migration backup recorded; instead of <see cref="Target"/>.</summary>
    public string? BeforeMigration { get; init; }

    /// <summary>Recovery options.</summary>
    public PointInTimeOptions Options { get; init; } = new();
}

/// <summary>Body of <c>POST restore/tables</c>: chosen tables as they were at a moment, restored beside the live ones.</summary>
public sealed record TableRestoreRequest
{
    /// <summary>The tables, <c>schema.table</c>.</summary>
    public required IReadOnlyList<string> Tables { get; init; }

    /// <summary>The moment; the latest the backups hold when null.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The new schema of the live database (default <c>restored_&lt;UTC time&gt;</c>); it must not exist.</summary>
    public string? TargetSchema { get; init; }

    /// <summary>A new database to restore into instead of a schema of the live one (no comparison, no copy-back).</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Also restore the tables their foreign keys reference.</summary>
    public bool IncludeReferencedTables { get; init; }

    /// <summary>Only the plan.</summary>
    public bool DryRun { get; init; }
}

/// <summary>
/// Body of <c>POST restore/tables/apply</c>: the <c>restore-tables</c> operation whose copies are copied back.
/// The server compares its own copies with the live tables again and runs the SQL it writes itself; no SQL is taken from a request.
/// </summary>
public sealed record TableRestoreApplyRequest
{
    /// <summary>The id of a succeeded <c>restore-tables</c> operation that restored into a schema of the live database.</summary>
    public required string OperationId { get; init; }
}

/// <summary>The result of a <c>restore-tables</c> operation.</summary>
/// <param name="Restore">What was restored (or, for a dry run, the plan).</param>
/// <param name="Comparison">The copies compared with the live tables and the copy-back SQL (not run); null for a dry run or a restore into another database.</param>
public sealed record TableRestoreResponse(TableRestoreResult Restore, TableRestoreComparison? Comparison);

/// <summary>The result of a <c>restore-tables-apply</c> operation.</summary>
/// <param name="Comparison">The comparison made just before the copy-back, whose SQL ran.</param>
/// <param name="Written">Rows written per live table, in one transaction.</param>
public sealed record TableRestoreApplyResponse(TableRestoreComparison Comparison, IReadOnlyDictionary<string, long> Written);

/// <summary>Body of <c>POST drills</c> (optional): the moment to restore; the latest when null.</summary>
public sealed record DrillRequest
{
    /// <summary>The moment the drill restores; the latest state the backups hold when null.</summary>
    public DateTimeOffset? At { get; init; }
}
