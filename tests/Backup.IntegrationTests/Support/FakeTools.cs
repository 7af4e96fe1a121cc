using System.Runtime.Versioning;

namespace Backup.IntegrationTests.Support;

/// <summary>A directory of stand-in pg_dump and pg_restore shell scripts, for the paths real tools rarely take.</summary>
[UnsupportedOSPlatform("windows")]
public static class FakeTools
{
    /// <summary>Writes both tools; <paramref name="script"/> gives the body (after the #! line) for each tool name.</summary>
    public static async Task<TempDirectory> CreateAsync(Func<string, string> script)
    {
        var tools = new TempDirectory();
        foreach (var name in new[] { "pg_dump", "pg_restore" })
        {
            var path = Path.Combine(tools.Path, name);
            await File.WriteAllTextAsync(path, "#!/bin/sh\n" + script(name));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }
        return tools;
    }
}
