using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Files;

/// <summary>Any directory tree comes back byte for byte: contents, modes, mtimes, links, empty directories, odd names.</summary>
public class FileTreeRoundTripProperties
{
    private static readonly string[] Names = ["a", "b c", "zoë", "日本語", "-dash", ".hidden", new string('n', 120), "x.log"];
    private static readonly UnixFileMode[] FileModes = [(UnixFileMode)0b110_100_100, (UnixFileMode)0b110_000_000, (UnixFileMode)0b111_101_101, (UnixFileMode)0b100_100_100];
    private static readonly UnixFileMode[] DirectoryModes = [(UnixFileMode)0b111_101_101, (UnixFileMode)0b111_000_000, (UnixFileMode)0b111_101_000];

    /// <summary>One generated entry: a path, what it is, its bytes or link target, its mode and mtime.</summary>
    public sealed record Spec(int[] Path, int Kind, byte[] Content, int Mode, long Seconds, int Micros, int LinkTo);

    private static readonly Gen<Spec> Specs =
        from depth in Gen.Choose(1, 3)
        from path in Gen.ArrayOf(Gen.Choose(0, Names.Length - 1), depth)
        from kind in Gen.Frequency((5, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Constant(2)))
        from size in Gen.Frequency((6, Gen.Choose(0, 3000)), (1, Gen.Choose(100_000, 300_000)))
        from seed in Gen.Choose(0, int.MaxValue)
        from mode in Gen.Choose(0, 11)
        from seconds in Gen.Choose(946_684_800, 1_900_000_000)
        from micros in Gen.Choose(0, 999_999)
        from linkTo in Gen.Choose(0, 20)
        select new Spec(path, kind, Bytes(size, seed), mode, seconds, micros, linkTo);

    [Property(MaxTest = 25)]
    public Property AnyTree_ArchivedAndRestored_IsIdentical() =>
        Prop.ForAll(Gen.ListOf(Specs).ToArbitrary(), specs =>
        {
            using var source = new TempDirectory();
            using var target = new TempDirectory();
            var tree = Path.Combine(source.Path, "tree");
            Build(tree, specs);
            var expected = FileTrees.Describe(tree);

            var (archive, summary) = FileTrees.ArchiveAsync([tree]).GetAwaiter().GetResult();
            FileTrees.RestoreAsync(archive, target.Path).GetAwaiter().GetResult();

            var actual = FileTrees.Describe(Path.Combine(target.Path, "tree"));
            return (expected.SequenceEqual(actual) && summary.Warnings.Count == 0)
                .Label($"expected:\n{string.Join('\n', expected)}\nactual:\n{string.Join('\n', actual)}\nwarnings: {string.Join("; ", summary.Warnings)}");
        });

    // Entries go in in order; one whose place is taken (or whose parent is a file or a link) is left out.
    private static void Build(string root, IEnumerable<Spec> specs)
    {
        Directory.CreateDirectory(root);
        var made = new List<string>();
        var directories = new List<(string Path, UnixFileMode Mode, DateTime Time)> { (root, DirectoryModes[0], new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)) };
        foreach (var spec in specs)
        {
            var relative = Path.Combine([.. spec.Path.Select(i => Names[i])]);
            var full = Path.Combine(root, relative);
            if (!Fits(root, full))
            {
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var time = DateTime.UnixEpoch.AddSeconds(spec.Seconds).AddTicks(spec.Micros * 10L);
            switch (spec.Kind)
            {
                case 0:
                    File.WriteAllBytes(full, spec.Content);
                    File.SetLastWriteTimeUtc(full, time);
                    File.SetUnixFileMode(full, FileModes[spec.Mode % FileModes.Length]);
                    break;
                case 1:
                    Directory.CreateDirectory(full);
                    directories.Add((full, DirectoryModes[spec.Mode % DirectoryModes.Length], time));
                    break;
                default:
                    // Relative links to something made earlier, or dangling: both are stored as links.
                    var target = made.Count > 0 && spec.LinkTo < made.Count ? Path.GetRelativePath(Path.GetDirectoryName(full)!, made[spec.LinkTo]) : "missing-" + spec.LinkTo;
                    File.CreateSymbolicLink(full, target);
                    break;
            }
            made.Add(full);
        }
        foreach (var directory in FileTrees.WalkWithoutFollowingLinks(root).Where(d => new DirectoryInfo(d).LinkTarget is null && Directory.Exists(d) && directories.All(x => x.Path != d)))
        {
            directories.Add((directory, DirectoryModes[0], new DateTime(2021, 6, 1, 12, 0, 0, DateTimeKind.Utc)));
        }
        foreach (var (path, mode, time) in directories.OrderByDescending(d => d.Path.Length))
        {
            File.SetUnixFileMode(path, mode);
            Directory.SetLastWriteTimeUtc(path, time);
        }
    }

    private static bool Fits(string root, string full)
    {
        if (File.Exists(full) || Directory.Exists(full) || new FileInfo(full).LinkTarget is not null)
        {
            return false;
        }
        for (var parent = Path.GetDirectoryName(full); parent is not null && parent.Length > root.Length; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent) || new DirectoryInfo(parent).LinkTarget is not null)
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
