using System.Formats.Tar;
using Backup.Core.Abstractions;
using Backup.Core.Streams;

namespace Backup.Core.Files;

/// <summary>What a file-tree archive received.</summary>
internal sealed record FileTreeSummary(long Files, long Directories, long Symlinks, long Bytes, IReadOnlyList<string> Warnings);

/// <summary>
/// Writes directories as a PAX tar stream: each source directory under a top-level folder, paths
/// relative to it, modes, owners and mtimes, empty directories, symbolic links as links (or
/// followed, on request, with cycles cut). Files are streamed as they are read; a file that cannot
/// be read, vanishes or changes while read is a warning (or, strict, a failure), never a broken archive.
/// </summary>
internal sealed class FileTreeWriter(FilePatterns patterns, bool followSymlinks, bool strict)
{
    private readonly List<string> _warnings = [];
    private readonly List<(string Path, string Name)> _pendingDirectories = [];
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private long _files, _directories, _symlinks, _bytes;

    /// <summary>The archive's top-level folder for each directory: its name, made unique.</summary>
    public static IReadOnlyDictionary<string, string> RootNames(IReadOnlyList<string> directories)
    {
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            var full = Path.GetFullPath(directory);
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
            name = name.Length == 0 ? "root" : name;
            var unique = name;
            for (var n = 2; roots.ContainsKey(unique); n++)
            {
                unique = $"{name}-{n}";
            }
            roots[unique] = full;
        }
        return roots;
    }

    public async Task<FileTreeSummary> WriteAsync(IReadOnlyDictionary<string, string> roots, Stream destination, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var (name, path) in roots)
            {
                _visited.Add(Path.GetFullPath(path));
                await WalkAsync(writer, path, name, "", cancellationToken).ConfigureAwait(false);
            }
        }
        return new FileTreeSummary(_files, _directories, _symlinks, _bytes, _warnings);
    }

    // Returns whether anything was written at or below the directory. A directory's own entry is
    // written just before its first entry (or, with no include pattern, even when it is empty).
    private async Task<bool> WalkAsync(TarWriter writer, string path, string name, string relative, CancellationToken cancellationToken)
    {
        _pendingDirectories.Add((path, name));
        var wrote = false;
        List<FileSystemInfo> children;
        try
        {
            children = [.. new DirectoryInfo(path).EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Warn($"{name}/: cannot be listed ({ex.Message})");
            children = [];
        }
        foreach (var child in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var childRelative = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
            var childName = name + "/" + child.Name;
            var kind = FileKind.Of(child.FullName);
            var target = child.FullName;
            if (kind.Type == FileKindType.SymbolicLink && followSymlinks)
            {
                if (Follow(child, childName) is not { } followed)
                {
                    continue;
                }
                (kind, target) = followed;
            }
            switch (kind.Type)
            {
                case FileKindType.SymbolicLink when patterns.IncludesFile(childRelative):
                    await FlushDirectoriesAsync(writer, cancellationToken).ConfigureAwait(false);
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, childName) { LinkName = child.LinkTarget!, Uid = kind.Uid, Gid = kind.Gid }, cancellationToken).ConfigureAwait(false);
                    _symlinks++;
                    wrote = true;
                    break;
                case FileKindType.Directory when patterns.EntersDirectory(childRelative) && _visited.Add(Path.GetFullPath(target)):
                    wrote |= await WalkAsync(writer, target, childName, childRelative, cancellationToken).ConfigureAwait(false);
                    _visited.Remove(Path.GetFullPath(target));
                    break;
                case FileKindType.Directory when patterns.EntersDirectory(childRelative):
                    Warn($"{childName}: a link back to a directory it is in; not followed again");
                    break;
                case FileKindType.Regular when patterns.IncludesFile(childRelative):
                    wrote |= await WriteFileAsync(writer, target, childName, kind, cancellationToken).ConfigureAwait(false);
                    break;
                case FileKindType.Special when patterns.IncludesFile(childRelative):
                    Warn($"{childName}: a device, FIFO or socket; not backed up");
                    break;
                case FileKindType.Missing:
                    Warn($"{childName}: vanished before it was read");
                    break;
            }
        }
        if (!wrote && patterns.IncludesEverything)
        {
            await FlushDirectoriesAsync(writer, cancellationToken).ConfigureAwait(false);
            wrote = true;
        }
        if (_pendingDirectories.Count > 0 && _pendingDirectories[^1].Path == path)
        {
            _pendingDirectories.RemoveAt(_pendingDirectories.Count - 1);
        }
        return wrote;
    }

    // What a link leads to, or null (with a warning) when it leads nowhere.
    private (FileKindInfo Kind, string Target)? Follow(FileSystemInfo link, string name)
    {
        try
        {
            var resolved = link.ResolveLinkTarget(returnFinalTarget: true);
            if (resolved is null || !resolved.Exists)
            {
                Warn($"{name}: a symbolic link to '{link.LinkTarget}', which does not exist; not backed up");
                return null;
            }
            return (FileKind.Of(resolved.FullName), resolved.FullName);
        }
        catch (IOException ex)
        {
            Warn($"{name}: cannot follow the symbolic link ({ex.Message}); not backed up");
            return null;
        }
    }

    private async Task FlushDirectoriesAsync(TarWriter writer, CancellationToken cancellationToken)
    {
        foreach (var (path, name) in _pendingDirectories)
        {
            var kind = FileKind.Of(path);
            var entry = new PaxTarEntry(TarEntryType.Directory, name + "/")
            {
                ModificationTime = Directory.GetLastWriteTimeUtc(path),
                Mode = FileKind.ModeOf(path),
                Uid = kind.Uid,
                Gid = kind.Gid,
            };
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            _directories++;
        }
        _pendingDirectories.Clear();
    }

    private async Task<bool> WriteFileAsync(TarWriter writer, string path, string name, FileKindInfo kind, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.SequentialScan, BufferSize = 0 });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Warn($"{name}: vanished before it was read");
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Warn($"{name}: cannot be read ({ex.Message})");
            return false;
        }
        await using (file.ConfigureAwait(false))
        {
            var length = file.Length;
            var modified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
            var content = new ExactLengthStream(file, length);
            await FlushDirectoriesAsync(writer, cancellationToken).ConfigureAwait(false);
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = content,
                ModificationTime = modified,
                Mode = FileKind.ModeOf(file.SafeFileHandle),
                Uid = kind.Uid,
                Gid = kind.Gid,
            };
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            _files++;
            _bytes += length;
            if (content.Changed || file.Length != length || File.GetLastWriteTimeUtc(file.SafeFileHandle) != modified)
            {
                Warn($"{name}: changed while it was read; the stored copy may mix old and new content");
            }
        }
        return true;
    }

    private void Warn(string warning)
    {
        if (strict)
        {
            throw new BackupException($"File backup stopped (Strict): {warning}.");
        }
        _warnings.Add(warning);
    }
}
