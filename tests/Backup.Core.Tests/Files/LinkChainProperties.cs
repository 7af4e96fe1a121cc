using System.Formats.Tar;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Files;

/// <summary>Any sequence of symbolic and hard links, in any order, neither points outside the target nor copies anything from there.</summary>
public class LinkChainProperties
{
    private static readonly string[] LinkNames = ["l1", "l2", "l3", "d/l4"];
    private static readonly string[] Segments = [".", "..", "l1", "l2", "l3", "d", "l4", "outside-file", "f"];

    /// <summary>A link entry: hard or symbolic, its name, and its target as segments.</summary>
    public sealed record LinkSpec(bool Hard, int Name, int[] Target);

    private static readonly Gen<LinkSpec> Links =
        from hard in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from name in Gen.Choose(0, LinkNames.Length - 1)
        from length in Gen.Choose(1, 4)
        from target in Gen.ArrayOf(Gen.Choose(0, Segments.Length - 1), length)
        select new LinkSpec(hard, name, target);

    [Property(MaxTest = 60)]
    public Property AnyLinks_NeverLeadOutside_NorBringOutsideContentIn() =>
        Prop.ForAll(Gen.ListOf(Links).ToArbitrary(), specs =>
        {
            using var sandbox = new TempDirectory();
            var target = Path.Combine(sandbox.Path, "target");
            File.WriteAllText(Path.Combine(sandbox.Path, "outside-file"), "secret");
            TarEntry[] entries =
            [
                new PaxTarEntry(TarEntryType.Directory, "d/"),
                new PaxTarEntry(TarEntryType.RegularFile, "d/f") { DataStream = new MemoryStream("inside"u8.ToArray()) },
                .. specs.Select(s => new PaxTarEntry(s.Hard ? TarEntryType.HardLink : TarEntryType.SymbolicLink, LinkNames[s.Name]) { LinkName = string.Join('/', s.Target.Select(i => Segments[i])) }),
            ];

            try
            {
                FileTrees.RestoreAsync(FileTrees.Archive(entries), target, Core.Operations.FileOverwritePolicy.Overwrite, skipUnsafe: true).GetAwaiter().GetResult();
            }
            catch (Core.Abstractions.BackupException)
            {
                // A link where a directory is, and the like: refused, and what was placed must still be safe.
            }

            Assert.All(Directory.EnumerateFileSystemEntries(sandbox.Path), e => Assert.Contains(Path.GetFileName(e), new[] { "target", "outside-file" }));
            Assert.Equal("secret", File.ReadAllText(Path.Combine(sandbox.Path, "outside-file")));
            if (Directory.Exists(target))
            {
                LinkResolution.AssertAllInside(target);
                Assert.DoesNotContain(FileTrees.WalkWithoutFollowingLinks(target), p => new FileInfo(p).LinkTarget is null && File.Exists(p) && File.ReadAllText(p) == "secret");
            }
            return true;
        });
}
