using System.Formats.Tar;
using Backup.Core.Files;

namespace Backup.Core.Tests.Files;

/// <summary>Setuid and setgid survive a restore only together with the archived owner.</summary>
public sealed class OwnershipRestoreTests : IDisposable
{
    private const int Nobody = 65534;
    private const UnixFileMode Rwxr_xr_x = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Rwxrwxr_x = (UnixFileMode)0b111_111_101;

    private readonly TempDirectory _target = new();

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task SetIdEntriesOfAnotherOwner_WithoutPreserveOwnership_LoseTheBits_AndBelongToTheRestorer()
    {
        var result = await FileTrees.RestoreAsync(NobodysArchive(), _target.Path);

        var restorer = FileKind.Of(_target.Path).Uid;
        Assert.Equal((Rwxr_xr_x, restorer), ModeAndOwner("tool"));
        Assert.Equal((Rwxr_xr_x, restorer), ModeAndOwner("groupy"));
        Assert.Equal((Rwxrwxr_x, restorer), ModeAndOwner("shared"));
        Assert.Equal((Rwxr_xr_x, restorer), ModeAndOwner("twin"));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task SetIdEntries_WithPreserveOwnership_KeepTheBitsWithTheirOwner_OrLoseThemWithAWarning()
    {
        var result = await FileTrees.RestoreAsync(NobodysArchive(), _target.Path, preserveOwnership: true);

        if (Environment.IsPrivilegedProcess)
        {
            Assert.Equal((Rwxr_xr_x | UnixFileMode.SetUser, Nobody), ModeAndOwner("tool"));
            Assert.Equal((Rwxr_xr_x | UnixFileMode.SetGroup, Nobody), ModeAndOwner("groupy"));
            Assert.Equal((Rwxrwxr_x | UnixFileMode.SetGroup, Nobody), ModeAndOwner("shared"));
            Assert.Equal((Rwxr_xr_x | UnixFileMode.SetUser, Nobody), ModeAndOwner("twin"));
            Assert.Equal(Nobody, FileKind.Of(Path.Combine(_target.Path, "link")).Uid);
            Assert.Empty(result.Warnings);
        }
        else
        {
            // Only root may give files away: then the bits go, and the result says so.
            Assert.Equal(Rwxr_xr_x, ModeAndOwner("tool").Mode);
            Assert.Contains("setuid and setgid bits were cleared", Assert.Single(result.Warnings), StringComparison.Ordinal);
        }
    }

    private (UnixFileMode Mode, int Uid) ModeAndOwner(string name)
    {
        var path = Path.Combine(_target.Path, name);
        return (File.GetUnixFileMode(path), FileKind.Of(path).Uid);
    }

    // As `nobody` would leave them: a setuid tool (with a hard link to it), a setgid file, a setgid shared directory, a link.
    private static MemoryStream NobodysArchive() => FileTrees.Archive(
        new PaxTarEntry(TarEntryType.RegularFile, "tool") { Mode = Rwxr_xr_x | UnixFileMode.SetUser, Uid = Nobody, Gid = Nobody, DataStream = new MemoryStream("#!/bin/sh\nid\n"u8.ToArray()) },
        new PaxTarEntry(TarEntryType.HardLink, "twin") { LinkName = "tool", Uid = Nobody, Gid = Nobody },
        new PaxTarEntry(TarEntryType.RegularFile, "groupy") { Mode = Rwxr_xr_x | UnixFileMode.SetGroup, Uid = Nobody, Gid = Nobody, DataStream = new MemoryStream("x"u8.ToArray()) },
        new PaxTarEntry(TarEntryType.Directory, "shared/") { Mode = Rwxrwxr_x | UnixFileMode.SetGroup, Uid = Nobody, Gid = Nobody },
        new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "tool", Uid = Nobody, Gid = Nobody });
}
