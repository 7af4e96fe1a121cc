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

    /// <summary>Row counts of the restored tables (empty for a dry run).</summary>
    public IReadOnlyDictionary<string, long> RestoredRowCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>Tables whose restored row count differs from the manifest's (should be empty).</summary>
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
