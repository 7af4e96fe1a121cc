using System.Formats.Tar;
using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.Core.Tests.Files;

/// <summary>Hand-made hostile archives: every escape is refused, and nothing appears outside the target.</summary>
public sealed class MaliciousArchiveTests : IDisposable
{
    private readonly TempDirectory _sandbox = new();

    private string Target => Path.Combine(_sandbox.Path, "target");

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData("../../etc/x", "'..'")]
    [InlineData("ok/../../x", "'..'")]
    [InlineData("/abs-backup-core-test", "absolute")]
    public async Task EntryNameLeavingTheTarget_IsRefused(string name, string reason)
    {
        var archive = Archive(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("pwned"u8.ToArray()) });

        var error = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => FileTrees.RestoreAsync(archive, Target));

        Assert.Equal(name, error.EntryName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        AssertNothingOutside();
        Assert.False(File.Exists("/abs-backup-core-test"));
    }

    [Fact]
    public async Task LinkToTheRootThenAFileThroughIt_IsRefused()
    {
        var archive = Archive(
            new PaxTarEntry(TarEntryType.SymbolicLink, "evil") { LinkName = "/" },
            new PaxTarEntry(TarEntryType.RegularFile, "evil/tmp/backup-core-pwned") { DataStream = new MemoryStream("x"u8.ToArray()) });

        var error = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => FileTrees.RestoreAsync(archive, Target));

        Assert.Contains("absolute path '/'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/backup-core-pwned"));
        AssertNothingOutside();
    }

    [Fact]
    public async Task LinkPointingOutByDotDots_IsRefused()
    {
        var archive = Archive(new PaxTarEntry(TarEntryType.SymbolicLink, "a/up") { LinkName = "../../.." });

        var error = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => FileTrees.RestoreAsync(archive, Target));

        Assert.Contains("points outside", error.Message, StringComparison.Ordinal);
        AssertNothingOutside();
    }

    [Fact]
    public async Task FileThroughALinkThatPointsInside_IsStillRefused()
    {
        // The link itself is harmless; writing through any link is not done, so a link cannot be turned against the restore.
        var archive = Archive(
            new PaxTarEntry(TarEntryType.Directory, "real/"),
            new PaxTarEntry(TarEntryType.SymbolicLink, "alias") { LinkName = "real" },
            new PaxTarEntry(TarEntryType.RegularFile, "alias/file") { DataStream = new MemoryStream("x"u8.ToArray()) });

        var error = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => FileTrees.RestoreAsync(archive, Target));

        Assert.Contains("goes through the symbolic link 'alias'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Target), "a refused archive places nothing, not even the directory before the link");
    }

    [Theory]
    [InlineData("../outside-file")]
    [InlineData("/etc/passwd")]
    public async Task HardLinkToOutside_IsRefused(string linkName)
    {
        File.WriteAllText(Path.Combine(_sandbox.Path, "outside-file"), "secret");
        var archive = Archive(new PaxTarEntry(TarEntryType.HardLink, "copy") { LinkName = linkName });

        await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => FileTrees.RestoreAsync(archive, Target));

        Assert.False(File.Exists(Path.Combine(Target, "copy")));
        Assert.Equal("secret", File.ReadAllText(Path.Combine(_sandbox.Path, "outside-file")));
    }

    [Fact]
    public async Task ChainedLinksThenAHardLinkThroughThem_ReadNothingFromOutside()
    {
        // Each link alone resolves inside (l1 to the target, l2 to l1's parent by name), but on disk l2 is the target's parent.
        File.WriteAllText(Path.Combine(_sandbox.Path, "outside-file"), "secret");
        Directory.CreateDirectory(Target);
        var archive = Archive(
            new PaxTarEntry(TarEntryType.SymbolicLink, "l1") { LinkName = "." },
            new PaxTarEntry(TarEntryType.SymbolicLink, "l2") { LinkName = "l1/.." },
            new PaxTarEntry(TarEntryType.HardLink, "stolen") { LinkName = "l2/outside-file" });

        await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => FileTrees.RestoreAsync(archive, Target));

        Assert.False(File.Exists(Path.Combine(Target, "stolen")));
        Assert.DoesNotContain(FileTrees.WalkWithoutFollowingLinks(Target), p => File.Exists(p) && new FileInfo(p).LinkTarget is null && File.ReadAllText(p) == "secret");
        AssertNoLinkLeadsOutside();
        AssertNothingOutside();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChainedLinksInEitherOrder_TheOneLeadingOutIsRefused(bool reversed)
    {
        TarEntry[] links =
        [
            new PaxTarEntry(TarEntryType.SymbolicLink, "l1") { LinkName = "." },
            new PaxTarEntry(TarEntryType.SymbolicLink, "l2") { LinkName = "l1/.." },
        ];
        var archive = Archive(reversed ? [.. links.Reverse()] : links);

        var result = await FileTrees.RestoreAsync(archive, Target, skipUnsafe: true);

        Assert.Equal(["l1"], Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName));
        Assert.Contains("'l2'", Assert.Single(result.Warnings), StringComparison.Ordinal);
        AssertNoLinkLeadsOutside();
    }

    [Fact]
    public async Task ArchiveThatFailsItsEndChecks_LeavesTheTargetAsItWas()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "kept"), "old");
        var archive = new FailingAtTheEndStream(Archive(
            new PaxTarEntry(TarEntryType.Directory, "bin/"),
            new PaxTarEntry(TarEntryType.RegularFile, "bin/payload.sh") { DataStream = new MemoryStream("rm -rf ~"u8.ToArray()) },
            new PaxTarEntry(TarEntryType.RegularFile, "kept") { DataStream = new MemoryStream("new"u8.ToArray()) }));

        await Assert.ThrowsAsync<BackupIntegrityException>(() => FileTrees.RestoreAsync(archive, Target, FileOverwritePolicy.Overwrite));

        Assert.Equal(["kept"], Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName));
        Assert.Equal("old", File.ReadAllText(Path.Combine(Target, "kept")));
    }

    [Fact]
    public async Task ArchiveThatFailsItsEndChecks_RemovesATargetItCreated()
    {
        var archive = new FailingAtTheEndStream(Archive(new PaxTarEntry(TarEntryType.RegularFile, "payload.sh") { DataStream = new MemoryStream("x"u8.ToArray()) }));

        await Assert.ThrowsAsync<BackupIntegrityException>(() => FileTrees.RestoreAsync(archive, Target));

        Assert.False(Directory.Exists(Target));
    }

    [Fact]
    public async Task HardLinkInside_IsRestoredAsACopy()
    {
        var archive = Archive(
            new PaxTarEntry(TarEntryType.RegularFile, "original") { DataStream = new MemoryStream("same"u8.ToArray()) },
            new PaxTarEntry(TarEntryType.HardLink, "twin") { LinkName = "original" });

        await FileTrees.RestoreAsync(archive, Target);

        Assert.Equal("same", File.ReadAllText(Path.Combine(Target, "twin")));
    }

    [Fact]
    public async Task SkipUnsafeEntries_RestoresTheRest_AndListsWhatItSkipped()
    {
        var archive = Archive(
            new PaxTarEntry(TarEntryType.RegularFile, "../escape") { DataStream = new MemoryStream("x"u8.ToArray()) },
            new PaxTarEntry(TarEntryType.SymbolicLink, "evil") { LinkName = "/" },
            new PaxTarEntry(TarEntryType.RegularFile, "fine.txt") { DataStream = new MemoryStream("fine"u8.ToArray()) });

        var result = await FileTrees.RestoreAsync(archive, Target, skipUnsafe: true);

        Assert.Equal(["fine.txt"], Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName));
        Assert.Equal(2, result.Warnings.Count);
        AssertNothingOutside();
    }

    [Fact]
    public async Task ExistingFile_FollowsTheOverwritePolicy()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "f"), "old");
        MemoryStream NewArchive() => Archive(new PaxTarEntry(TarEntryType.RegularFile, "f") { DataStream = new MemoryStream("new"u8.ToArray()) });

        var refused = await Assert.ThrowsAsync<BackupException>(() => FileTrees.RestoreAsync(NewArchive(), Target));
        var skipped = await FileTrees.RestoreAsync(NewArchive(), Target, FileOverwritePolicy.Skip);
        Assert.Equal("old", File.ReadAllText(Path.Combine(Target, "f")));
        await FileTrees.RestoreAsync(NewArchive(), Target, FileOverwritePolicy.Overwrite);

        Assert.Contains("exists already", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["f"], skipped.Skipped);
        Assert.Equal("new", File.ReadAllText(Path.Combine(Target, "f")));
        Assert.Single(Directory.EnumerateFileSystemEntries(Target));
    }

    private static MemoryStream Archive(params TarEntry[] entries) => FileTrees.Archive(entries);

    // The kernel's answer (realpath -m), not a string comparison: every link in the target resolves inside it.
    private void AssertNoLinkLeadsOutside() => LinkResolution.AssertAllInside(Target);

    // The sandbox holds the target and, for some tests, one planted file: nothing else may appear.
    private void AssertNothingOutside() =>
        Assert.All(Directory.EnumerateFileSystemEntries(_sandbox.Path), e => Assert.Contains(Path.GetFileName(e), new[] { "target", "outside-file" }));
}
