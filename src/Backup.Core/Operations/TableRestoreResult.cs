namespace Backup.Core.Operations;

/// <summary>What a restore of chosen tables as of a moment did (or, for a dry run, would do).</summary>
public sealed record TableRestoreResult
{
    /// <summary>The live database the tables come from.</summary>
    public required string Database { get; init; }

    /// <summary>The schema of the live database the copies are in; null when restored into <see cref="TargetDatabase"/>.</summary>
    public string? TargetSchema { get; init; }

    /// <summary>The new database the tables were restored into; null when restored into <see cref="TargetSchema"/>.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>The tables, each with its restored name and rows (empty for a dry run).</summary>
    public required IReadOnlyList<RestoredTable> Tables { get; init; }

    /// <summary>The moment asked for.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The commit time of the last transaction replayed (the full backup's snapshot when none was); null for a dry run.</summary>
    public DateTimeOffset? Reached { get; init; }

    /// <summary>True when exact to the transaction (a change-capture chain); false when only to the last incremental at or before the moment (timestamp mode, deletes not covered).</summary>
    public required bool ExactToTransaction { get; init; }

    /// <summary>The full backup and incrementals used, in order.</summary>
    public required IReadOnlyList<string> BackupIds { get; init; }

    /// <summary>The steps, said for a person.</summary>
    public required IReadOnlyList<string> Plan { get; init; }

    /// <summary>What the copies may lack or hold beyond the moment.</summary>
    public required IReadOnlyList<string> Caveats { get; init; }

    /// <summary>Whether only the plan was made.</summary>
    public bool DryRun { get; init; }
}

/// <summary>One restored table.</summary>
/// <param name="Source">The live table, <c>schema.table</c>.</param>
/// <param name="Restored">The copy, <c>schema.table</c> (in the side schema, or the same name in the target database).</param>
/// <param name="Rows">Its rows as of the moment.</param>
public sealed record RestoredTable(string Source, string Restored, long Rows);
