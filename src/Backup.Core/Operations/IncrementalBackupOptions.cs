namespace Backup.Core.Operations;

/// <summary>Options of one incremental backup (change capture).</summary>
public sealed record IncrementalBackupOptions
{
    /// <summary>Compress with the configured codec (default true).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Encrypt with the configured key; when null, as configured.</summary>
    public bool? Encrypt { get; init; }

    /// <summary>A comment kept in the manifest.</summary>
    public string? Comment { get; init; }

    /// <summary>
    /// Timestamp mode only: export rows changed at or after this moment. Default: where the
    /// previous backup of the chain left off (its snapshot, or the start of the oldest transaction
    /// then open, less <see cref="Postgres.PostgresOptions.TimestampOverlap"/>).
    /// </summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Timestamp mode only: the tables to export (schema.table); default every table with the timestamp column and a primary key.</summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>Timestamp mode: wait for another backup of the database to end instead of failing with <see cref="Abstractions.BackupInProgressException"/>.</summary>
    public bool WaitIfBusy { get; init; }

    /// <summary>The schedule that asked for it, recorded in the manifest.</summary>
    public string? ScheduleId { get; init; }

    // Properties added to the stored manifest (the pre-migration hook's migration id); internal, so
    // a caller's request cannot forge a mark.
    internal IReadOnlyDictionary<string, string> Marks { get; init; } = new Dictionary<string, string>();
}
