using System.Diagnostics;

namespace Backup.IntegrationTests.Support;

/// <summary>Runs a PostgreSQL client program (pgbench, psql) against a test database; fails the test when it fails.</summary>
public static class PostgresTool
{
    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/>, the server's connection options and <paramref name="database"/> last; returns its standard output.</summary>
    public static async Task<string> RunAsync(string tool, string database, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Concat(["--host=" + TestServer.Host, "--port=" + TestServer.Port, "--username=" + TestServer.User, database]))
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGPASSWORD"] = TestServer.Password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {errors} {await output}");
        return await output;
    }
}
