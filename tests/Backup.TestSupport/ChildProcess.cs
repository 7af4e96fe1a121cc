using System.Diagnostics;
using System.Text;

namespace Backup.TestSupport;

/// <summary>
/// A program run as a child process with a controlled environment (the inherited BACKUP_* and
/// DATABASE_URL removed), its stdout and stderr kept apart, signals sent with kill(1).
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(Process process) => _process = process;

    public string StandardOutput => Read(_stdout);

    public string StandardError => Read(_stderr);

    /// <summary>Both streams, for failure messages.</summary>
    public string Output => $"stdout:\n{StandardOutput}\nstderr:\n{StandardError}";

    public bool HasExited => _process.HasExited;

    /// <param name="standardInput">When given, the child's stdin is a pipe holding this text, then closed (not a terminal); otherwise it inherits this process's stdin.</param>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, string? standardInput = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = standardInput is not null, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("BACKUP_", StringComparison.Ordinal) || k == "DATABASE_URL").ToList())
        {
            info.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var child = new ChildProcess(new Process { StartInfo = info });
        child._process.OutputDataReceived += (_, e) => Keep(child._stdout, e.Data);
        child._process.ErrorDataReceived += (_, e) => Keep(child._stderr, e.Data);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            child._process.StandardInput.Write(standardInput);
            child._process.StandardInput.Close();
        }
        return child;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; throws if the process ends or <paramref name="limit"/> passes first.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the process ended (exit code {_process.ExitCode}) before the point waited for; {Output}");
            }
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"the point waited for was not reached in {limit}; {Output}");
            }
            await Task.Delay(20);
        }
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} failed with {kill.ExitCode}");
        }
    }

    public async Task<int> ExitCodeAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // the last output lines arrive after the exit
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private static void Keep(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
