namespace Backup.Core.Files;

/// <summary>
/// Where a symbolic link would really lead: its target is walked segment by segment the way the
/// kernel walks it, through the links already on disk and the links the restore is about to
/// create, so that a chain such as <c>l1 -> .</c>, <c>l2 -> l1/..</c> is seen to leave the
/// target although each link alone looks harmless. Checking the pending links as well makes the
/// answer independent of the order in which the archive lists them.
/// </summary>
internal static class LinkContainment
{
    // The kernel's own limit on links followed in one lookup (MAXSYMLINKS); a longer chain is a loop.
    private const int MaxLinksFollowed = 40;

    /// <summary>
    /// Whether a link at <paramref name="linkPath"/> (a full path below <paramref name="root"/>,
    /// whose directories are real ones) pointing to <paramref name="target"/> stays inside
    /// <paramref name="root"/> at every step. <paramref name="pending"/> maps the full paths of the
    /// links still to be created to their targets; they take precedence over what is on disk.
    /// </summary>
    public static bool StaysInside(string root, string linkPath, string target, IReadOnlyDictionary<string, string> pending)
    {
        var current = Path.GetRelativePath(root, Path.GetDirectoryName(linkPath)!).Split(Path.DirectorySeparatorChar).Where(s => s != ".").ToList();
        var remaining = new LinkedList<string>(Split(target));
        var followed = 0;
        if (Path.IsPathRooted(target))
        {
            return false;
        }
        while (remaining.First is { } next)
        {
            remaining.RemoveFirst();
            switch (next.Value)
            {
                case "" or ".":
                    continue;
                case "..":
                    // Stepping above the root even once could be the start of a walk elsewhere.
                    if (current.Count == 0)
                    {
                        return false;
                    }
                    current.RemoveAt(current.Count - 1);
                    continue;
            }
            current.Add(next.Value);
            var full = Path.Combine([root, .. current]);
            var linkTarget = pending.TryGetValue(full, out var planned) ? planned : LinkTargetOnDisk(full);
            if (linkTarget is null)
            {
                continue;
            }
            if (++followed > MaxLinksFollowed || Path.IsPathRooted(linkTarget))
            {
                return false;
            }
            current.RemoveAt(current.Count - 1);
            foreach (var segment in Split(linkTarget).Reverse())
            {
                remaining.AddFirst(segment);
            }
        }
        return true;
    }

    // A path through a file (ENOTDIR) or one that cannot be read leads nowhere; what follows is walked by name alone.
    private static string? LinkTargetOnDisk(string path)
    {
        try
        {
            return FileKind.Of(path).Type == FileKindType.SymbolicLink ? new FileInfo(path).LinkTarget : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string[] Split(string target) => target.Split('/', Path.DirectorySeparatorChar);
}
