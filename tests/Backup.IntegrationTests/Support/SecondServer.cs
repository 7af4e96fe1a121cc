using System.Diagnostics;
using Npgsql;

namespace Backup.IntegrationTests.Support;

/// <summary>
/// A second throwaway PostgreSQL server of its own (scripts/services/postgres.sh in a temporary
/// folder, on a free port), for tests that need a server other than the backed-up one. Started
/// once per test class that uses it as a fixture, and stopped (its folder deleted) after.
/// </summary>
public sealed class SecondServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "it-second-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _script = Path.Combine(Repository(), "scripts", "services", "postgres.sh");
    private string _password = "";

    public int Port { get; private set; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Password = _password, Database = database, Pooling = false }.ConnectionString;

    public async Task InitializeAsync()
    {
        await RunAsync("start");
        // The env file the script writes: export NAME=value lines, the password single-quoted.
        var variables = (await File.ReadAllLinesAsync(Path.Combine(_directory, "env")))
            .Select(line => line["export ".Length..].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('\''), StringComparer.Ordinal);
        Port = int.Parse(variables["PGPORT"], System.Globalization.CultureInfo.InvariantCulture);
        _password = variables["PGPASSWORD"];
    }

    public Task DisposeAsync() => RunAsync("stop");

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task RunAsync(string verb)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(_script);
        info.ArgumentList.Add(verb);
        info.ArgumentList.Add(_directory);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {verb} {_directory} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static string Repository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Backup.Core.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"No Backup.Core.sln above {AppContext.BaseDirectory}.");
    }
}
