using System.Diagnostics;
using System.Text;
using Backup.Core.Abstractions;

namespace Backup.Core.Postgres;

/// <summary>
/// A running pg_dump or pg_restore. The password reaches it through its environment, never its
/// arguments (which any user can read in the process list). Its stderr is kept, last lines
/// only, with the password removed, for the error message when it fails. It inherits only the
/// environment a PostgreSQL client needs: the host's other variables (the encryption key,
/// DATABASE_URL, API keys) are none of its business, and /proc/PID/environ would show them.
/// </summary>
internal sealed class ToolProcess : IAsyncDisposable
{
    private const int StderrLimit = 8192;
    private readonly Process _process;
    private readonly string _name;
    private readonly string? _password;
    private readonly StringBuilder _stderr = new();

    private ToolProcess(Process process, string name, string? password)
    {
        _process = process;
        _name = name;
        _password = password;
    }

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <param name="fileName">The tool.</param>
    /// <param name="connection">The database it connects to, if any.</param>
    /// <param name="arguments">Its arguments (never a password).</param>
    /// <param name="writesOutput">Its stdout is read.</param>
    /// <param name="readsInput">Its stdin is written.</param>
    /// <param name="sessionSettings">Server settings for its sessions (PGOPTIONS, e.g. <c>-c synchronous_commit=off</c>).</param>
    public static ToolProcess Start(string fileName, PostgresConnectionInfo? connection, IEnumerable<string> arguments, bool writesOutput = true, bool readsInput = false, string? sessionSettings = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = writesOutput,
            RedirectStandardInput = readsInput,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (connection is null ? [] : ConnectionArguments(connection)).Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }
        KeepOnlyToolEnvironment(info.Environment);
        if (connection?.Password is { } password)
        {
            info.Environment["PGPASSWORD"] = password;
        }
        if (connection is not null)
        {
            info.Environment["PGSSLMODE"] = connection.SslMode;
        }
        info.Environment["PGAPPNAME"] = "Backup.Core";
        if (sessionSettings is not null)
        {
            info.Environment["PGOPTIONS"] = sessionSettings;
        }
        var process = new Process { StartInfo = info };
        var tool = new ToolProcess(process, Path.GetFileName(fileName), connection?.Password);
        process.ErrorDataReceived += (_, e) => tool.KeepStderr(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new BackupDatabaseException($"Could not start {fileName}: {ex.Message}", ex);
        }
        process.BeginErrorReadLine();
        return tool;
    }

    /// <summary>Starts pg_restore in a mode that reads an archive and connects to no server.</summary>
    public static ToolProcess StartOffline(string fileName, IEnumerable<string> arguments) =>
        Start(fileName, null, arguments, writesOutput: true, readsInput: true);

    /// <summary>Waits for the tool to end; throws with its exit code and stderr when it failed.</summary>
    public async Task WaitForSuccessAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw new BackupDatabaseException($"{_name} failed with exit code {_process.ExitCode}: {Stderr()}");
        }
    }

    /// <summary>Whether the tool has ended with a non-zero exit code.</summary>
    public bool HasFailed => HasExited() && _process.ExitCode != 0;

    /// <summary>What the tool wrote to stderr so far (last lines, password removed).</summary>
    public string Stderr()
    {
        lock (_stderr)
        {
            var text = _stderr.ToString().Trim();
            return text.Length == 0 ? "(no output)" : text;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited())
        {
            // Cancelled or failed half-way: the tool must not go on writing to the server or a pipe.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        _process.Dispose();
    }

    private bool HasExited()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true; // never started
        }
    }

    private void KeepStderr(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (_password is { Length: > 0 })
        {
            line = line.Replace(_password, "***", StringComparison.Ordinal);
        }
        lock (_stderr)
        {
            _stderr.AppendLine(line);
            if (_stderr.Length > StderrLimit)
            {
                _stderr.Remove(0, _stderr.Length - StderrLimit);
            }
        }
    }

    // What the tools may see of the host's environment: where programs and the home folder are,
    // locale and time zone, and libpq's TLS and connection settings (files, not secrets). The
    // password, SSL mode and application name are set from the connection, never inherited.
    private static void KeepOnlyToolEnvironment(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToList())
        {
            var kept = name is "PATH" or "HOME" or "LANG" or "LANGUAGE" or "TZ" or "TMPDIR" or "PGCONNECT_TIMEOUT" or "PGPASSFILE"
                || name.StartsWith("LC_", StringComparison.Ordinal)
                || (name.StartsWith("PGSSL", StringComparison.Ordinal) && name != "PGSSLMODE");
            if (!kept)
            {
                environment.Remove(name);
            }
        }
    }

    // One connection string in which every value is quoted: a database name can never carry
    // settings of its own (see DatabaseName). The password travels in the environment.
    private static IEnumerable<string> ConnectionArguments(PostgresConnectionInfo connection)
    {
        var settings = new List<string>
        {
            "host=" + DatabaseName.QuoteConnectionValue(connection.Host),
            "port=" + connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "dbname=" + DatabaseName.QuoteConnectionValue(connection.Database),
        };
        if (connection.Username is { } user)
        {
            settings.Add("user=" + DatabaseName.QuoteConnectionValue(user));
        }
        yield return "--dbname=" + string.Join(' ', settings);
        yield return "--no-password";
    }
}
