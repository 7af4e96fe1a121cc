namespace Backup.Core.Operations;

/// <summary>Options of a file restore.</summary>
public sealed record FileRestoreOptions
{
    /// <summary>
    /// The directory to restore into (created if missing). Each of the backup's directories comes
    /// back as a folder of this one, named as in the manifest's <c>Files.Roots</c>.
    /// </summary>
    public required string TargetDirectory { get; init; }

    /// <summary>What to do with files that exist already.</summary>
    public FileOverwritePolicy Overwrite { get; init; } = FileOverwritePolicy.Fail;

    /// <summary>Restore only these archive paths and what is below them (e.g. <c>uploads/2026</c>); all when empty.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>
    /// Skip, with a warning, entries that would land outside the target (absolute or <c>..</c>
    /// names, links pointing out) instead of stopping at the first. Nothing is written outside
    /// the target either way.
    /// </summary>
    public bool SkipUnsafeEntries { get; init; }

    /// <summary>
    /// Give each restored file, directory and link its archived owner (numeric uid and gid, with
    /// lchown), which needs root. Setuid and setgid bits are kept only where that worked: without
    /// this option, or where the owner could not be set (listed in
    /// <see cref="FileRestoreResult.Warnings"/>), they are cleared, because a setuid file owned by
    /// whoever restores it would run with their rights.
    /// </summary>
    public bool PreserveOwnership { get; init; }
}
