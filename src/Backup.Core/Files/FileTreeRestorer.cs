using System.Formats.Tar;
using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.Core.Files;

/// <summary>
/// Restores a file-tree archive into a target directory. Every entry is checked before anything is
/// written for it: its name must resolve inside the target, no directory on its way may be a
/// symbolic link (so a planted link cannot carry a later entry outside), a link must point inside,
/// and a hard link is restored as a copy of a file already restored. Files are written to a
/// temporary name and renamed into place; directories get their modes and mtimes last.
/// </summary>
internal sealed class FileTreeRestorer(string root, FileRestoreOptions options)
{
    private readonly string _root = Path.GetFullPath(root);
    private readonly List<string> _skipped = [];
    private readonly List<string> _warnings = [];
    private readonly List<(string Path, UnixFileMode Mode, DateTimeOffset Modified)> _directoryTimes = [];
    private long _files, _directories, _symlinks, _bytes;

    public async Task<FileRestoreResult> RestoreAsync(string backupId, Stream archive, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        var reader = new TarReader(archive, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (options.Paths.Count > 0 && !options.Paths.Any(p => ArchivePath.IsUnder(entry.Name, p)))
                {
                    continue;
                }
                try
                {
                    await RestoreEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                }
                catch (UnsafeArchiveEntryException ex) when (options.SkipUnsafeEntries)
                {
                    _warnings.Add(ex.Message);
                }
            }
        }
        // Deepest first, so that setting a parent's mtime is the last change inside it.
        foreach (var (path, mode, modified) in _directoryTimes.OrderByDescending(d => d.Path.Length))
        {
            SetMode(path, mode);
            Directory.SetLastWriteTimeUtc(path, modified.UtcDateTime);
        }
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

    private async Task RestoreEntryAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        var path = ArchivePath.Resolve(_root, entry.Name);
        CreateParents(path, entry.Name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                var existing = FileKind.Of(path).Type;
                if (existing == FileKindType.SymbolicLink)
                {
                    throw new UnsafeArchiveEntryException(entry.Name, "a symbolic link is in its place, and writing through it could leave the target directory");
                }
                if (existing is not (FileKindType.Missing or FileKindType.Directory))
                {
                    throw new BackupException($"Cannot restore the directory '{entry.Name}': a file is in its place at '{path}'.");
                }
                Directory.CreateDirectory(path);
                _directoryTimes.Add((path, entry.Mode, entry.ModificationTime));
                _directories++;
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                if (MayWrite(path, entry.Name))
                {
                    await WriteFileAsync(path, entry.DataStream ?? Stream.Null, entry.Mode, entry.ModificationTime, cancellationToken).ConfigureAwait(false);
                    _files++;
                    _bytes += entry.Length;
                }
                break;
            case TarEntryType.SymbolicLink:
                ArchivePath.CheckLinkTarget(_root, entry.Name, path, entry.LinkName);
                if (MayWrite(path, entry.Name))
                {
                    File.Delete(path);
                    File.CreateSymbolicLink(path, entry.LinkName);
                    _symlinks++;
                }
                break;
            case TarEntryType.HardLink:
                var source = ArchivePath.Resolve(_root, entry.LinkName);
                if (FileKind.Of(source).Type != FileKindType.Regular)
                {
                    throw new UnsafeArchiveEntryException(entry.Name, $"a hard link to '{entry.LinkName}', which is not a file restored inside the target directory");
                }
                if (MayWrite(path, entry.Name))
                {
                    var copy = File.OpenRead(source);
                    await using (copy.ConfigureAwait(false))
                    {
                        await WriteFileAsync(path, copy, FileKind.ModeOf(source), File.GetLastWriteTimeUtc(source), cancellationToken).ConfigureAwait(false);
                    }
                    _files++;
                }
                break;
            case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                break;
            default:
                _warnings.Add($"{entry.Name}: a {entry.EntryType} entry; not restored");
                break;
        }
    }

    // Each directory between the target and the entry is created, or must be a real directory.
    private void CreateParents(string path, string name)
    {
        var relative = Path.GetRelativePath(_root, Path.GetDirectoryName(path)!);
        if (relative == ".")
        {
            return;
        }
        var current = _root;
        foreach (var segment in relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            switch (FileKind.Of(current).Type)
            {
                case FileKindType.Missing:
                    Directory.CreateDirectory(current);
                    break;
                case FileKindType.Directory:
                    break;
                case FileKindType.SymbolicLink:
                    throw new UnsafeArchiveEntryException(name, $"its path goes through the symbolic link '{Path.GetRelativePath(_root, current)}', which could lead outside the target directory");
                default:
                    throw new BackupException($"Cannot restore '{name}': the file '{current}' is where a directory must be.");
            }
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

    private static async Task WriteFileAsync(string path, Stream content, UnixFileMode mode, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.restoring-{Guid.NewGuid():N}");
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, 1 << 20, cancellationToken).ConfigureAwait(false);
            }
            SetMode(temporary, mode);
            File.SetLastWriteTimeUtc(temporary, modified.UtcDateTime);
            // Replaces a file or a link in its place without following the link.
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
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
