using System.Diagnostics;

namespace Backup.IntegrationTests.Support;

/// <summary>
/// A real file system that fills up: a 1 MB tmpfs mounted for one test (the tests run as root,
/// as scripts/test.sh and CI do). Writing past its size fails with ENOSPC, like a full backup disk.
/// </summary>
public sealed class TinyDisk : IDisposable
{
    public TinyDisk(string size = "1m")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "backup-core-tinydisk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path);
    }

    private static void Run(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({error.Trim()}); the full-disk test needs root to mount a tmpfs.");
        }
    }
}
