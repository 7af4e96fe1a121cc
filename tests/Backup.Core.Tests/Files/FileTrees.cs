using System.Formats.Tar;
using Backup.Core.Files;
using Backup.Core.Operations;

namespace Backup.Core.Tests.Files;

/// <summary>Archives directories and restores archives through the real writer and restorer, in memory.</summary>
internal static class FileTrees
{
    public static async Task<(MemoryStream Archive, FileTreeSummary Summary)> ArchiveAsync(IReadOnlyList<string> directories, IReadOnlyList<string>? include = null, IReadOnlyList<string>? exclude = null, bool follow = false, bool strict = false)
    {
        var archive = new MemoryStream();
        var writer = new FileTreeWriter(new FilePatterns(include ?? [], exclude ?? []), follow, strict);
        var summary = await writer.WriteAsync(FileTreeWriter.RootNames(directories), archive, CancellationToken.None);
        archive.Position = 0;
        return (archive, summary);
    }

    public static Task<FileRestoreResult> RestoreAsync(Stream archive, string target, FileOverwritePolicy overwrite = FileOverwritePolicy.Fail, IReadOnlyList<string>? paths = null, bool skipUnsafe = false, bool preserveOwnership = false) =>
        new FileTreeRestorer(target, new FileRestoreOptions { TargetDirectory = target, Overwrite = overwrite, Paths = paths ?? [], SkipUnsafeEntries = skipUnsafe, PreserveOwnership = preserveOwnership })
            .RestoreAsync("test", archive, CancellationToken.None);

    /// <summary>A PAX archive of hand-made entries, ready to read.</summary>
    public static MemoryStream Archive(params TarEntry[] entries)
    {
        var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }
        archive.Position = 0;
        return archive;
    }

    /// <summary>Every entry below <paramref name="root"/>: kind, content hash or link target, mode, mtime. Links are not followed.</summary>
    public static SortedDictionary<string, string> Describe(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in WalkWithoutFollowingLinks(root))
        {
            var relative = Path.GetRelativePath(root, path);
            var info = new FileInfo(path);
            entries[relative] = info.LinkTarget is { } target ? $"link -> {target}"
                : Directory.Exists(path) ? $"dir {File.GetUnixFileMode(path)} {Directory.GetLastWriteTimeUtc(path):O}"
                : $"file {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)))} {File.GetUnixFileMode(path)} {File.GetLastWriteTimeUtc(path):O}";
        }
        return entries;
    }

    /// <summary>Every path below <paramref name="root"/>, not descending into symbolic links (which may loop).</summary>
    public static IEnumerable<string> WalkWithoutFollowingLinks(string root)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            yield return path;
            if (new FileInfo(path).LinkTarget is null && Directory.Exists(path))
            {
                foreach (var below in WalkWithoutFollowingLinks(path))
                {
                    yield return below;
                }
            }
        }
    }
}
