using Backup.Cli.Entry;

namespace Backup.Cli.Tests;

/// <summary>backup-core run in this process, for the cases that need no server and no environment of their own.</summary>
internal static class InProcessCli
{
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BackupCli.RunAsync(arguments, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
