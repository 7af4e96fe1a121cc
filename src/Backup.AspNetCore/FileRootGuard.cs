namespace Backup.AspNetCore;

/// <summary>
/// Confines the directories a request names to <see cref="BackupEndpointOptions.AllowedFileRoots"/>.
/// Both sides are compared as real paths: <c>..</c> resolved, and every symbolic link among the
/// parts that exist followed, so neither <c>/srv/data/../../etc</c> nor a link inside a root
/// reaches outside it.
/// </summary>
internal sealed class FileRootGuard(IEnumerable<string> roots)
{
    private const int MaxLinkDepth = 40;

    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string[] _roots = [.. roots.Select(r => RealPath(r, 0))];

    /// <summary>Why <paramref name="path"/> may not be used, or null when it lies inside a root.</summary>
    public string? Problem(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(path))
        {
            return "Give an absolute directory path.";
        }
        if (_roots.Length == 0)
        {
            return "File backups and file restores are turned off in this API: the server lists no allowed file roots (AllowedFileRoots).";
        }
        string real;
        try
        {
            real = RealPath(path, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return "The path cannot be resolved.";
        }
        return _roots.Any(root => IsWithin(real, root))
            ? null
            : $"'{path}' is outside the directories this API may read and write (AllowedFileRoots).";
    }

    private static bool IsWithin(string path, string root) =>
        path.Equals(root, PathComparison)
        || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, PathComparison);

    // Path.GetFullPath resolves ".." textually; links are then followed part by part, as the
    // kernel would, up to the first part that does not exist yet (a restore target may be new).
    private static string RealPath(string path, int depth)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (depth > MaxLinkDepth)
        {
            throw new IOException("Too many levels of symbolic links.");
        }
        var root = Path.GetPathRoot(full)!;
        var current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = new DirectoryInfo(next);
            if (!info.Exists && !(info = new FileInfo(next)).Exists && info.LinkTarget is null)
            {
                return Path.Combine([current, .. parts[i..]]);
            }
            current = info.LinkTarget is { } target
                ? RealPath(Path.IsPathFullyQualified(target) ? target : Path.Combine(current, target), depth + 1)
                : next;
        }
        return current;
    }
}
