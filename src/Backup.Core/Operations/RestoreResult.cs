namespace Backup.Core.Operations;

/// <summary>What a restore did, or for a dry run, would do.</summary>
public sealed record RestoreResult
{
    /// <summary>The backup restored.</summary>
    public required string BackupId { get; init; }

    /// <summary>The database restored into.</summary>
    public required string TargetDatabase { get; init; }

    /// <summary>Whether this was only a plan.</summary>
    public bool DryRun { get; init; }

    /// <summary>Whether the target existed before (and, unless a dry run, was replaced).</summary>
    public bool TargetExisted { get; init; }

    /// <summary>What was (or would be) done, step by step, in words.</summary>
    public IReadOnlyList<string> Plan { get; init; } = [];

    /// <summary>
    /// With <see cref="RestoreOptions.Tables"/>: every table whose definition is (or would be)
    /// restored, chosen or brought in. Empty when the whole backup is restored.
    /// </summary>
    public IReadOnlyList<string> RestoredTables { get; init; } = [];

    /// <summary>With <see cref="RestoreOptions.Tables"/>: tables restored although not chosen (partitions of a chosen table, parents of a chosen partition), and why.</summary>
    public IReadOnlyList<RestoreObject> BroughtIn { get; init; } = [];

    /// <summary>
    /// With <see cref="RestoreOptions.Tables"/>: what the backup holds that is (or would be) left
    /// out — tables not chosen, views, materialized views, foreign keys to tables not restored,
    /// functions and types that use such a table's row type — each with the reason. A left-out
    /// table stands for its data, indexes, constraints, triggers and comments too.
    /// </summary>
    public IReadOnlyList<RestoreObject> LeftOut { get; init; } = [];

    /// <summary>Row counts of the restored tables (empty for a dry run).</summary>
    public IReadOnlyDictionary<string, long> RestoredRowCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// Tables whose restored row count differs from the manifest's. Always empty in a returned
    /// result: a difference fails the restore with <see cref="Abstractions.RowCountMismatchException"/>.
    /// </summary>
    public IReadOnlyList<string> RowCountMismatches { get; init; } = [];

    /// <summary>Bytes of the plain archive fed to the restore.</summary>
    public long Bytes { get; init; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The files restored with the database, when asked (<see cref="RestoreOptions.Files"/>).</summary>
    public FileRestoreResult? Files { get; init; }

    /// <summary>The roles created on the server for the restore (<see cref="RestoreOptions.CreateMissingRoles"/>).</summary>
    public IReadOnlyList<string> CreatedRoles { get; init; } = [];
}
