namespace Backup.Core.Operations;

/// <summary>Options of one restore.</summary>
public sealed record RestoreOptions
{
    /// <summary>The database to restore into. Default: a new database named <c>&lt;source&gt;_restored_&lt;UTC time to the millisecond&gt;</c>.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Replace the target when it exists. Without this, an existing target is an error.</summary>
    public bool DropExisting { get; init; }

    /// <summary>With <see cref="DropExisting"/>: end other sessions on the target (otherwise they make the restore fail).</summary>
    public bool TerminateConnections { get; init; }

    /// <summary>Read the whole backup and check every hash and tag before touching any database.</summary>
    public bool VerifyBeforeRestore { get; init; }

    /// <summary>Only report the plan: nothing is read beyond the manifest and nothing is written.</summary>
    public bool DryRun { get; init; }

    /// <summary>Only these tables (<c>schema.table</c>); all when empty.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>Also restore the file backup taken with this full backup (<see cref="FullBackupOptions.IncludeFiles"/>), with these options.</summary>
    public FileRestoreOptions? Files { get; init; }
}
