namespace Backup.Core.Catalog;

/// <summary>What a file backup holds, in its manifest.</summary>
public sealed record FileBackupDetails
{
    /// <summary>The name given to the backup.</summary>
    public required string Name { get; init; }

    /// <summary>Each archive's top-level folder and the directory it was read from.</summary>
    public required IReadOnlyDictionary<string, string> Roots { get; init; }

    /// <summary>The include patterns used (empty: everything).</summary>
    public IReadOnlyList<string> IncludePatterns { get; init; } = [];

    /// <summary>The exclude patterns used.</summary>
    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];

    /// <summary>Regular files stored.</summary>
    public long FileCount { get; init; }

    /// <summary>Directories stored.</summary>
    public long DirectoryCount { get; init; }

    /// <summary>Symbolic links stored (as links).</summary>
    public long SymlinkCount { get; init; }

    /// <summary>Bytes of file content stored (before compression).</summary>
    public long FileBytes { get; init; }

    /// <summary>Files skipped or stored inconsistently: unreadable, vanished, changed while read, special files.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
