namespace Backup.Core.Operations;

/// <summary>Options of a file-system backup.</summary>
public sealed record FileBackupOptions
{
    /// <summary>The directories to back up; each becomes a top-level folder of the archive named after it.</summary>
    public IReadOnlyList<string> Directories { get; init; } = [];

    /// <summary>Globs of files to include (default: everything, empty directories too). See <see cref="ExcludePatterns"/> for how they match.</summary>
    public IReadOnlyList<string> IncludePatterns { get; init; } = [];

    /// <summary>
    /// Globs of files and directories to leave out, e.g. <c>*.tmp</c>, <c>*.log</c>,
    /// <c>node_modules/**</c>, <c>.git/**</c>. A pattern matches at any depth unless it starts with
    /// <c>/</c> (anchored to the source directory); an excluded directory is not walked at all.
    /// </summary>
    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];

    /// <summary>Store what symbolic links point to instead of the links (default false: links are stored as links).</summary>
    public bool FollowSymlinks { get; init; }

    /// <summary>
    /// Fail the backup at the first file that cannot be read, vanishes, or changes while it is read
    /// (default false: such files are listed as warnings in the manifest and the backup goes on).
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Compress with the configured codec (default true).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Encrypt with the configured key; when null, as configured.</summary>
    public bool? Encrypt { get; init; }

    /// <summary>A comment kept in the manifest.</summary>
    public string? Comment { get; init; }

    /// <summary>The schedule that asked for it, recorded in the manifest.</summary>
    public string? ScheduleId { get; init; }
}
