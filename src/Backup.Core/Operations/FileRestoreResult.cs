namespace Backup.Core.Operations;

/// <summary>What a file restore did.</summary>
public sealed record FileRestoreResult
{
    /// <summary>The file backup restored.</summary>
    public required string BackupId { get; init; }

    /// <summary>Where it went.</summary>
    public required string TargetDirectory { get; init; }

    /// <summary>Regular files written.</summary>
    public long Files { get; init; }

    /// <summary>Directories created or updated.</summary>
    public long Directories { get; init; }

    /// <summary>Symbolic links created.</summary>
    public long Symlinks { get; init; }

    /// <summary>Bytes of file content written.</summary>
    public long Bytes { get; init; }

    /// <summary>Files that existed and were kept (<see cref="FileOverwritePolicy.Skip"/>).</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>Entries not restored, and why.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
