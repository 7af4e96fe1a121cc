namespace Backup.Core.Tests.Files;

/// <summary>Include and exclude patterns select exactly the files they should, at any depth unless anchored.</summary>
public sealed class FilePatternTests : IDisposable
{
    private readonly TempDirectory _source = new();
    private readonly TempDirectory _target = new();

    public FilePatternTests()
    {
        foreach (var file in new[]
        {
            "a.txt", "b.log", "c.tmp", "sub/d.log", "sub/e.txt", "sub/deeper/f.tmp", "node_modules/x.js", "sub/node_modules/y.js",
            ".git/config", "keep/.gitkeep", "build", "sub/build/out.bin",
        })
        {
            var path = Path.Combine(_source.Path, "app", file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
        Directory.CreateDirectory(Path.Combine(_source.Path, "app", "empty"));
    }

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task ExcludePatterns_LeaveOutMatchesAtAnyDepth_AndWholeDirectories()
    {
        var files = await RestoredFilesAsync(exclude: ["*.tmp", "*.log", "node_modules/**", ".git/**", "build"]);

        Assert.Equal(["app/a.txt", "app/keep/.gitkeep", "app/sub/e.txt"], files);
        Assert.True(Directory.Exists(Path.Combine(_target.Path, "app", "empty")), "an empty directory is kept when everything is included");
    }

    [Fact]
    public async Task IncludePatterns_TakeOnlyMatches_AndNoEmptyDirectories()
    {
        var files = await RestoredFilesAsync(include: ["*.log"], exclude: ["sub/**"]);

        Assert.Equal(["app/b.log"], files);
        Assert.False(Directory.Exists(Path.Combine(_target.Path, "app", "empty")));
    }

    [Fact]
    public async Task AnchoredPattern_MatchesOnlyAtTheTop()
    {
        var files = await RestoredFilesAsync(include: ["*.log", "*.tmp"], exclude: ["/b.log", "/c.tmp"]);

        Assert.Equal(["app/sub/d.log", "app/sub/deeper/f.tmp"], files);
    }

    [Fact]
    public void EmptyPattern_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Backup.Core.Files.FilePatterns([], ["  "]));
        Assert.Contains("empty file pattern", error.Message, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<string>> RestoredFilesAsync(IReadOnlyList<string>? include = null, IReadOnlyList<string>? exclude = null)
    {
        var (archive, _) = await FileTrees.ArchiveAsync([Path.Combine(_source.Path, "app")], include, exclude);
        await FileTrees.RestoreAsync(archive, _target.Path);
        return _target.AllFiles();
    }
}
