using Backup.Core.Abstractions;

namespace Backup.Core.Files;

/// <summary>
/// Where an archive entry may go: its name must be relative, without <c>..</c>, NUL or empty
/// segments, and resolve inside the target; a link's target must be relative and resolve inside
/// the target from the link's own directory. Pure string work — the restorer also refuses to
/// write through any symbolic link already on disk.
/// </summary>
internal static class ArchivePath
{
    /// <summary>The entry's path segments, or an <see cref="UnsafeArchiveEntryException"/>.</summary>
    public static string[] Segments(string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafeArchiveEntryException(name, "an empty name or one with a NUL character");
        }
        if (name.StartsWith('/') || name.StartsWith('\\') || (name.Length > 1 && name[1] == ':'))
        {
            throw new UnsafeArchiveEntryException(name, "an absolute name");
        }
        var segments = name.TrimEnd('/').Split('/');
        if (segments.Any(s => s is ".." or ""))
        {
            throw new UnsafeArchiveEntryException(name, "a '..' or empty path segment, which could leave the target directory");
        }
        return [.. segments.Where(s => s != ".")];
    }

    /// <summary>The full path of an entry under <paramref name="root"/> (a full path), checked to be inside it.</summary>
    public static string Resolve(string root, string name)
    {
        var segments = Segments(name);
        if (segments.Length == 0)
        {
            throw new UnsafeArchiveEntryException(name, "it names the target directory itself");
        }
        var full = Path.GetFullPath(Path.Combine([root, .. segments]));
        return IsInside(root, full) ? full : throw new UnsafeArchiveEntryException(name, "it resolves outside the target directory");
    }

    /// <summary>Checks that a symbolic link at <paramref name="linkPath"/> pointing to <paramref name="target"/> stays inside <paramref name="root"/>.</summary>
    public static void CheckLinkTarget(string root, string name, string linkPath, string target)
    {
        if (target.Length == 0 || target.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafeArchiveEntryException(name, "a link with an empty target");
        }
        if (Path.IsPathRooted(target))
        {
            throw new UnsafeArchiveEntryException(name, $"a link to the absolute path '{target}', outside the target directory");
        }
        var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(linkPath)!, target));
        if (!IsInside(root, resolved) && resolved != root)
        {
            throw new UnsafeArchiveEntryException(name, $"a link to '{target}', which points outside the target directory");
        }
    }

    /// <summary>Whether an archive path is <paramref name="selected"/> or below it.</summary>
    public static bool IsUnder(string name, string selected)
    {
        var entry = name.TrimEnd('/');
        var chosen = selected.Trim('/');
        return entry == chosen || entry.StartsWith(chosen + "/", StringComparison.Ordinal);
    }

    private static bool IsInside(string root, string full) =>
        full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
