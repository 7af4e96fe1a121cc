using System.Diagnostics;

namespace Backup.Core.Tests.Files;

/// <summary>Asks the kernel (through coreutils' realpath) where the symbolic links of a restored tree lead.</summary>
internal static class LinkResolution
{
    public static void AssertAllInside(string root)
    {
        var realRoot = Path.GetFullPath(root);
        foreach (var link in FileTrees.WalkWithoutFollowingLinks(root).Where(p => new FileInfo(p).LinkTarget is not null))
        {
            // A loop resolves nowhere (realpath fails), which is harmless.
            if (Resolve(link) is { } resolved)
            {
                Assert.True(resolved == realRoot || resolved.StartsWith(realRoot + "/", StringComparison.Ordinal), $"{link} -> {new FileInfo(link).LinkTarget} resolves to {resolved}, outside {realRoot}");
            }
        }
    }

    private static string? Resolve(string link)
    {
        var start = new ProcessStartInfo("realpath") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-m", "--", link } };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().TrimEnd('\n');
        process.WaitForExit();
        return process.ExitCode == 0 ? output : null;
    }
}
