namespace Backup.Core.Operations;

/// <summary>What a point-in-time recovery did, or for a dry run, would do.</summary>
public sealed record PointInTimeResult
{
    /// <summary>The database recovered into.</summary>
    public required string TargetDatabase { get; init; }

    /// <summary>The time asked for.</summary>
    public required DateTimeOffset Target { get; init; }

    /// <summary>
    /// The time actually reached: the commit time of the last transaction applied (or, when none was,
    /// the full backup's snapshot time). Every transaction committed at or before the target is applied.
    /// </summary>
    public DateTimeOffset? Reached { get; init; }

    /// <summary>Whether this was only a plan.</summary>
    public bool DryRun { get; init; }

    /// <summary>The full backup restored, then the incremental backups replayed, in order.</summary>
    public IReadOnlyList<string> BackupIds { get; init; } = [];

    /// <summary>The steps, in words.</summary>
    public IReadOnlyList<string> Plan { get; init; } = [];

    /// <summary>Transactions replayed.</summary>
    public long Transactions { get; init; }

    /// <summary>Row changes replayed.</summary>
    public long Changes { get; init; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Of <see cref="Duration"/>, the time spent replaying changes (after the full backup was restored).</summary>
    public TimeSpan ReplayDuration { get; init; }

    /// <summary>The files restored with the database, when asked (<see cref="PointInTimeOptions.Files"/>).</summary>
    public FileRestoreResult? Files { get; init; }

    /// <summary>The roles created on the server for the restore (<see cref="RestoreOptions.CreateMissingRoles"/>).</summary>
    public IReadOnlyList<string> CreatedRoles { get; init; } = [];

    /// <summary>
    /// Tables whose changes after the full backup may be missing: the timestamp-mode incrementals
    /// applied did not cover them (no timestamp column or no primary key; a partitioned table is
    /// named once). Empty for change capture, which covers every published table.
    /// </summary>
    public IReadOnlyList<string> TablesNotCovered { get; init; } = [];

    /// <summary>The materialized views of the recovered database, and what each holds (empty for a dry run).</summary>
    public IReadOnlyList<RecoveredMaterializedView> MaterializedViews { get; init; } = [];

    /// <summary>
    /// How the recovered database may differ from the source at the target, in words: deletes and
    /// tables that timestamp mode does not capture, materialized views.
    /// </summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];
}
