using System.Diagnostics;
using Backup.Core.Abstractions;
using Backup.Core.Files;
using Backup.Core.Streams;

namespace Backup.Core.Tests.Files;

/// <summary>Files that cannot be stored as they are: warnings in the summary, or a failure when strict — never a broken archive.</summary>
public sealed class FileWarningTests : IDisposable
{
    private readonly TempDirectory _source = new();
    private readonly TempDirectory _target = new();

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task Fifo_IsAWarning_NotOpened_AndTheRestIsStored()
    {
        var tree = Path.Combine(_source.Path, "tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "a.txt"), "a");
        MakeFifo(Path.Combine(tree, "pipe"));

        var (archive, summary) = await FileTrees.ArchiveAsync([tree]);
        await FileTrees.RestoreAsync(archive, _target.Path);

        Assert.Equal(["tree/a.txt"], _target.AllFiles());
        Assert.Contains(summary.Warnings, w => w.StartsWith("tree/pipe: a device, FIFO or socket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Strict_TurnsTheWarningIntoAFailure()
    {
        var tree = Path.Combine(_source.Path, "tree");
        Directory.CreateDirectory(tree);
        MakeFifo(Path.Combine(tree, "pipe"));

        var error = await Assert.ThrowsAsync<BackupException>(() => FileTrees.ArchiveAsync([tree], strict: true));

        Assert.Contains("Strict", error.Message, StringComparison.Ordinal);
        Assert.Contains("tree/pipe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowSymlinks_StoresTheTarget_AndACycleIsCutWithAWarning()
    {
        var tree = Path.Combine(_source.Path, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "dir"));
        File.WriteAllText(Path.Combine(tree, "dir", "f.txt"), "content");
        File.CreateSymbolicLink(Path.Combine(tree, "link.txt"), "dir/f.txt");
        File.CreateSymbolicLink(Path.Combine(tree, "dir", "loop"), "..");

        var (archive, summary) = await FileTrees.ArchiveAsync([tree], follow: true);
        await FileTrees.RestoreAsync(archive, _target.Path);

        Assert.Equal("content", File.ReadAllText(Path.Combine(_target.Path, "tree", "link.txt")));
        Assert.Null(new FileInfo(Path.Combine(_target.Path, "tree", "link.txt")).LinkTarget);
        Assert.Contains(summary.Warnings, w => w.Contains("tree/dir/loop", StringComparison.Ordinal) && w.Contains("not followed again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FileShrinkingWhileRead_IsPaddedToItsHeaderSize_AndReported()
    {
        var shrinking = new MemoryStream(new byte[10]);
        var exact = new ExactLengthStream(shrinking, length: 25);

        var read = new MemoryStream();
        await exact.CopyToAsync(read);

        Assert.Equal(25, read.Length);
        Assert.True(exact.Changed);
    }

    [Fact]
    public async Task FileGrowingWhileRead_IsCutAtItsHeaderSize()
    {
        var exact = new ExactLengthStream(new MemoryStream(new byte[40]), length: 25);

        var read = new MemoryStream();
        await exact.CopyToAsync(read);

        Assert.Equal(25, read.Length);
        Assert.False(exact.Changed);
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
