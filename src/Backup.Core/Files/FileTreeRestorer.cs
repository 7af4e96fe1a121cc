using System.Formats.Tar;
using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.Core.Files;

/// <summary>
/// Restores a file-tree archive into a target directory in two passes. The first reads the
/// archive and checks every entry (its name resolves inside the target, no directory on its way is
/// a symbolic link, the overwrite policy) while file contents go to a private staging directory
/// inside the target. Only once the stream has been read to its end, where the pipeline checks the
/// last tag and the hashes, does the second pass put anything in place, so a damaged or tampered
/// archive leaves nothing behind. The second pass places directories and files, then hard links
/// (as copies of files whose every directory is a real one), then symbolic links, as tar's delayed
/// symlinks: no entry is ever written while a link from the archive exists, and a link is made only
/// if its target stays inside through any chain of links. Directory modes and mtimes come last.
/// Setuid and setgid bits are kept only where the archived owner was restored.
/// </summary>
internal sealed class FileTreeRestorer(string root, FileRestoreOptions options)
{
    private const UnixFileMode SetIdBits = UnixFileMode.SetUser | UnixFileMode.SetGroup;

    private readonly string _root = Path.GetFullPath(root);
    private readonly string _staging = Path.Combine(Path.GetFullPath(root), $".backup-restoring-{Guid.NewGuid():N}");
    private readonly List<PlannedEntry> _plan = [];
    private readonly HashSet<string> _plannedLinks = new(StringComparer.Ordinal);
    private readonly List<string> _skipped = [];
    private readonly List<string> _warnings = [];
    private readonly List<string> _notOwned = [];
    private readonly List<(string Path, UnixFileMode Mode, DateTimeOffset Modified)> _directoryTimes = [];
    private long _files, _directories, _symlinks, _bytes;

    /// <summary>An entry checked in the first pass, to be placed in the second; <paramref name="Staged"/> holds a file's content.</summary>
    private sealed record PlannedEntry(TarEntryType Type, string Name, string Path, UnixFileMode Mode, DateTimeOffset Modified, int Uid, int Gid, string LinkName, string? Staged, long Length);

    public async Task<FileRestoreResult> RestoreAsync(string backupId, Stream archive, CancellationToken cancellationToken)
    {
        var createdRoot = FileKind.Of(_root).Type == FileKindType.Missing;
        Directory.CreateDirectory(_root);
        CreatePrivateDirectory(_staging);
        try
        {
            await StageAsync(archive, cancellationToken).ConfigureAwait(false);
            // Read to the end, where the pipeline checks the last tag and the hashes: nothing is in place before.
            await archive.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            await PlaceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Directory.Delete(_staging, recursive: true);
            if (createdRoot && !Directory.EnumerateFileSystemEntries(_root).Any())
            {
                Directory.Delete(_root);
            }
            throw;
        }
        Directory.Delete(_staging, recursive: true);
        return new FileRestoreResult
        {
            BackupId = backupId,
            TargetDirectory = _root,
            Files = _files,
            Directories = _directories,
            Symlinks = _symlinks,
            Bytes = _bytes,
            Skipped = _skipped,
            Warnings = _warnings,
        };
    }

    private async Task StageAsync(Stream archive, CancellationToken cancellationToken)
    {
        var reader = new TarReader(archive, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (options.Paths.Count == 0 || options.Paths.Any(p => ArchivePath.IsUnder(entry.Name, p)))
                {
                    await UnlessUnsafeAsync(() => StageEntryAsync(entry, cancellationToken)).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task StageEntryAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        var path = ArchivePath.Resolve(_root, entry.Name);
        WalkParents(path, entry.Name, create: false);
        var type = entry.EntryType is TarEntryType.V7RegularFile or TarEntryType.ContiguousFile ? TarEntryType.RegularFile : entry.EntryType;
        string? staged = null;
        switch (type)
        {
            case TarEntryType.Directory:
                CheckDirectoryPlace(path, entry.Name);
                break;
            case TarEntryType.RegularFile when MayWrite(path, entry.Name):
                staged = Path.Combine(_staging, _plan.Count.ToString(CultureInfo.InvariantCulture));
                await WriteFileAsync(staged, entry.DataStream ?? Stream.Null, entry.Mode, (entry.Uid, entry.Gid), entry.ModificationTime, entry.Name, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.SymbolicLink:
                // Refused early when the target alone leads out; chains of links are checked once all are known.
                ArchivePath.CheckLinkTarget(_root, entry.Name, path, entry.LinkName);
                if (!MayWrite(path, entry.Name))
                {
                    return;
                }
                _plannedLinks.Add(path);
                break;
            case TarEntryType.HardLink:
                ArchivePath.Resolve(_root, entry.LinkName);
                if (!MayWrite(path, entry.Name))
                {
                    return;
                }
                break;
            case TarEntryType.RegularFile or TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                return;
            default:
                _warnings.Add($"{entry.Name}: a {entry.EntryType} entry; not restored");
                return;
        }
        _plan.Add(new PlannedEntry(type, entry.Name, path, entry.Mode, entry.ModificationTime, entry.Uid, entry.Gid, entry.LinkName, staged, entry.Length));
    }

    private async Task PlaceAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _plan.Where(e => e.Type is TarEntryType.Directory or TarEntryType.RegularFile))
        {
            await UnlessUnsafeAsync(() => { PlaceDirectoryOrFile(entry); return Task.CompletedTask; }).ConfigureAwait(false);
        }
        foreach (var entry in _plan.Where(e => e.Type == TarEntryType.HardLink))
        {
            await UnlessUnsafeAsync(() => PlaceHardLinkAsync(entry, cancellationToken)).ConfigureAwait(false);
        }
        // Every link of the archive, the refused ones too, so that the answer does not depend on their order.
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in _plan.Where(e => e.Type == TarEntryType.SymbolicLink))
        {
            links[entry.Path] = entry.LinkName;
        }
        foreach (var entry in _plan.Where(e => e.Type == TarEntryType.SymbolicLink))
        {
            await UnlessUnsafeAsync(() => { PlaceSymbolicLink(entry, links); return Task.CompletedTask; }).ConfigureAwait(false);
        }
        if (_notOwned.Count > 0)
        {
            _warnings.Add($"The owners of {_notOwned.Count} entries could not be restored (only root may give files away), so their setuid and setgid bits were cleared: {string.Join(", ", _notOwned.Take(5))}{(_notOwned.Count > 5 ? ", ..." : "")}");
        }
        // Deepest first, so that setting a parent's mtime is the last change inside it.
        foreach (var (path, mode, modified) in _directoryTimes.OrderByDescending(d => d.Path.Length))
        {
            SetMode(path, mode);
            Directory.SetLastWriteTimeUtc(path, modified.UtcDateTime);
        }
    }

    private void PlaceDirectoryOrFile(PlannedEntry entry)
    {
        WalkParents(entry.Path, entry.Name, create: true);
        if (entry.Type == TarEntryType.Directory)
        {
            CheckDirectoryPlace(entry.Path, entry.Name);
            Directory.CreateDirectory(entry.Path);
            var owned = Own(entry.Path, (entry.Uid, entry.Gid), entry.Name);
            _directoryTimes.Add((entry.Path, Permitted(entry.Mode, owned), entry.Modified));
            _directories++;
        }
        else if (MayWrite(entry.Path, entry.Name))
        {
            // Replaces a file or a link in its place without following the link.
            File.Move(entry.Staged!, entry.Path, overwrite: true);
            _files++;
            _bytes += entry.Length;
        }
    }

    private async Task PlaceHardLinkAsync(PlannedEntry entry, CancellationToken cancellationToken)
    {
        var source = ArchivePath.Resolve(_root, entry.LinkName);
        // lstat of every directory on the way: a link there, planted or from the archive, could carry the copy outside.
        if (DirectoriesBetween(source).Any(d => FileKind.Of(d).Type != FileKindType.Directory) || FileKind.Of(source).Type != FileKindType.Regular)
        {
            throw new UnsafeArchiveEntryException(entry.Name, $"a hard link to '{entry.LinkName}', which is not a file restored inside the target directory");
        }
        WalkParents(entry.Path, entry.Name, create: true);
        if (!MayWrite(entry.Path, entry.Name))
        {
            return;
        }
        var owner = FileKind.Of(source);
        var copy = File.OpenRead(source);
        await using (copy.ConfigureAwait(false))
        {
            await WriteFileAsync(entry.Path, copy, FileKind.ModeOf(source), (owner.Uid, owner.Gid), File.GetLastWriteTimeUtc(source), entry.Name, cancellationToken).ConfigureAwait(false);
        }
        _files++;
    }

    private void PlaceSymbolicLink(PlannedEntry entry, IReadOnlyDictionary<string, string> links)
    {
        WalkParents(entry.Path, entry.Name, create: true);
        if (!LinkContainment.StaysInside(_root, entry.Path, entry.LinkName, links))
        {
            throw new UnsafeArchiveEntryException(entry.Name, $"a link to '{entry.LinkName}', which points outside the target directory through other links");
        }
        if (MayWrite(entry.Path, entry.Name))
        {
            File.Delete(entry.Path);
            File.CreateSymbolicLink(entry.Path, entry.LinkName);
            Own(entry.Path, (entry.Uid, entry.Gid), entry.Name);
            _symlinks++;
        }
    }

    private async Task UnlessUnsafeAsync(Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (UnsafeArchiveEntryException ex) when (options.SkipUnsafeEntries)
        {
            _warnings.Add(ex.Message);
        }
    }

    // Each directory between the target and the entry must be a real directory, or missing (then created when placing),
    // and none may be a link of the archive: links are made last, but a path through one would still be a path through a link.
    private void WalkParents(string path, string name, bool create)
    {
        foreach (var current in DirectoriesBetween(path))
        {
            switch (_plannedLinks.Contains(current) ? FileKindType.SymbolicLink : FileKind.Of(current).Type)
            {
                case FileKindType.Missing when create:
                    Directory.CreateDirectory(current);
                    break;
                case FileKindType.Missing:
                    return;
                case FileKindType.Directory:
                    break;
                case FileKindType.SymbolicLink:
                    throw new UnsafeArchiveEntryException(name, $"its path goes through the symbolic link '{Path.GetRelativePath(_root, current)}', which could lead outside the target directory");
                default:
                    throw new BackupException($"Cannot restore '{name}': the file '{current}' is where a directory must be.");
            }
        }
    }

    // The directories below the target that lead to a path, outermost first.
    private IEnumerable<string> DirectoriesBetween(string path)
    {
        var relative = Path.GetRelativePath(_root, Path.GetDirectoryName(path)!);
        var current = _root;
        foreach (var segment in relative == "." ? [] : relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            yield return current;
        }
    }

    private static void CheckDirectoryPlace(string path, string name)
    {
        var existing = FileKind.Of(path).Type;
        if (existing == FileKindType.SymbolicLink)
        {
            throw new UnsafeArchiveEntryException(name, "a symbolic link is in its place, and writing through it could leave the target directory");
        }
        if (existing is not (FileKindType.Missing or FileKindType.Directory))
        {
            throw new BackupException($"Cannot restore the directory '{name}': a file is in its place at '{path}'.");
        }
    }

    // Applies the overwrite policy to what is at the path now.
    private bool MayWrite(string path, string name)
    {
        var existing = FileKind.Of(path).Type;
        if (existing == FileKindType.Missing)
        {
            return true;
        }
        if (existing == FileKindType.Directory)
        {
            throw new BackupException($"Cannot restore '{name}': a directory is in its place at '{path}'.");
        }
        switch (options.Overwrite)
        {
            case FileOverwritePolicy.Skip:
                _skipped.Add(name);
                return false;
            case FileOverwritePolicy.Overwrite:
                return true;
            default:
                throw new BackupException($"Cannot restore '{name}': '{path}' exists already. Restore into an empty directory, or choose Overwrite = Skip or Overwrite.");
        }
    }

    // The owner is set before the mode, because chown clears setuid and setgid, and the bits stay only if it worked.
    private async Task WriteFileAsync(string path, Stream content, UnixFileMode mode, (int Uid, int Gid) owner, DateTimeOffset modified, string name, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.restoring-{Guid.NewGuid():N}");
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, 1 << 20, cancellationToken).ConfigureAwait(false);
            }
            SetMode(temporary, Permitted(mode, Own(temporary, owner, name)));
            File.SetLastWriteTimeUtc(temporary, modified.UtcDateTime);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    // With PreserveOwnership, gives the path to its archived owner; false (and a note for the warning) when that is not allowed.
    private bool Own(string path, (int Uid, int Gid) owner, string name)
    {
        if (!options.PreserveOwnership)
        {
            return false;
        }
        if (FileOwner.TryChange(path, owner.Uid, owner.Gid, out var errno))
        {
            return true;
        }
        _notOwned.Add($"{name} (errno {errno})");
        return false;
    }

    // A setuid or setgid file owned by whoever restores it (root, usually) would run as them: the bits need the real owner.
    private static UnixFileMode Permitted(UnixFileMode mode, bool owned) => owned ? mode : mode & ~SetIdBits;

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
