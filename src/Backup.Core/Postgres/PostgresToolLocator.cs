using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Backup.Core.Abstractions;

namespace Backup.Core.Postgres;

/// <summary>
/// Finds pg_dump and pg_restore whose major version can handle the server: pg_dump refuses (or
/// worse, mis-dumps) a server newer than itself. Prefers the same major as the server.
/// </summary>
internal sealed partial class PostgresToolLocator(string? toolsDirectory)
{
    private readonly ConcurrentDictionary<string, PostgresTools?> _probed = new(StringComparer.Ordinal);

    public async Task<PostgresTools> FindAsync(int serverMajor, CancellationToken cancellationToken)
    {
        // Debian-style installs name the major in the path: the server's own version needs one probe only.
        var exact = $"/usr/lib/postgresql/{serverMajor}/bin";
        if (string.IsNullOrWhiteSpace(toolsDirectory) && await ProbeAsync(exact, cancellationToken).ConfigureAwait(false) is { } same && same.Major == serverMajor)
        {
            return same;
        }
        var directories = CandidateDirectories().ToList();
        var found = new List<PostgresTools>();
        foreach (var directory in directories)
        {
            if (await ProbeAsync(directory, cancellationToken).ConfigureAwait(false) is { } tools)
            {
                found.Add(tools);
            }
        }
        var usable = found.Where(t => t.Major >= serverMajor).OrderBy(t => t.Major).FirstOrDefault();
        if (usable is not null)
        {
            return usable;
        }
        if (found.Count == 0)
        {
            throw new BackupDatabaseException(
                $"pg_dump and pg_restore were not found (looked in: {string.Join(", ", directories)}). Install the PostgreSQL {serverMajor} client tools (Debian: apt-get install postgresql-client-{serverMajor}) or set Backup:Postgres:ToolsDirectory.");
        }
        var newest = found.MaxBy(t => t.Major)!;
        throw new BackupDatabaseException(
            $"pg_dump {newest.Version} ({newest.PgDump}) is older than the server (PostgreSQL {serverMajor}) and cannot dump it. Install the PostgreSQL {serverMajor} client tools (Debian: apt-get install postgresql-client-{serverMajor}) or set Backup:Postgres:ToolsDirectory to a directory holding them.");
    }

    private IEnumerable<string> CandidateDirectories()
    {
        if (!string.IsNullOrWhiteSpace(toolsDirectory))
        {
            // An explicit directory is the only place looked at: a silent fallback would hide a misconfiguration.
            yield return Path.GetFullPath(toolsDirectory);
            yield break;
        }
        // Directories are compared by their real path: /bin and /usr/bin are one place on merged-/usr systems.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (seen.Add(RealPath(directory)))
            {
                yield return directory;
            }
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var directory in Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Order(StringComparer.Ordinal))
            {
                if (seen.Add(RealPath(directory)))
                {
                    yield return directory;
                }
            }
        }
    }

    private static string RealPath(string directory) =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(directory) : directory;

    private async Task<PostgresTools?> ProbeAsync(string directory, CancellationToken cancellationToken)
    {
        if (_probed.TryGetValue(directory, out var cached))
        {
            return cached;
        }
        var pgDump = Path.Combine(directory, "pg_dump");
        if (!File.Exists(pgDump) || !File.Exists(Path.Combine(directory, "pg_restore")))
        {
            return _probed[directory] = null;
        }
        var info = new ProcessStartInfo(pgDump, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new BackupDatabaseException($"Could not start {pgDump}.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var match = VersionPattern().Match(output);
        PostgresTools? tools = process.ExitCode == 0 && match.Success
            ? new PostgresTools(directory, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[0].Value.Split(' ')[^1])
            : null;
        return _probed[directory] = tools;
    }

    // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"; before PostgreSQL 10 the major had two parts.
    [GeneratedRegex(@"\(PostgreSQL\) (\d+)(?:\.\d+)*")]
    private static partial Regex VersionPattern();
}
