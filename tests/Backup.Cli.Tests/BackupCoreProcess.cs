namespace Backup.Cli.Tests;

/// <summary>backup-core as an operator runs it: a new process, a working folder of its own, only the environment given.</summary>
internal static class BackupCoreProcess
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static ChildProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        ChildProcess.Start("dotnet", [Assembly(), .. arguments], workingDirectory, environment);

    public static Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunWithInputAsync(workingDirectory, environment, null, arguments);

    /// <summary>Runs backup-core with <paramref name="standardInput"/> piped in (so stdin is no terminal) when given.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunWithInputAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, string? standardInput, params string[] arguments)
    {
        using var process = ChildProcess.Start("dotnet", [Assembly(), .. arguments], workingDirectory, environment, standardInput);
        var code = await process.ExitCodeAsync(Limit);
        return (code, process.StandardOutput, process.StandardError);
    }

    /// <summary>Runs backup-core, fails the test unless it exits with 0, and returns its stdout.</summary>
    public static async Task<string> RunOkAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var (code, output, error) = await RunAsync(workingDirectory, environment, arguments);
        Assert.True(code == 0, $"backup-core {string.Join(' ', arguments)} exited with {code}:\n{output}\n{error}");
        return output;
    }

    private static string Assembly() => BuiltProgram.Path("src/Backup.Cli", "backup-core.dll");
}
