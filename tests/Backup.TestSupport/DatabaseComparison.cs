using System.Diagnostics;
using Npgsql;

namespace Backup.TestSupport;

/// <summary>Proves two databases hold the same schema and the same data (shared by the integration and CLI tests).</summary>
public static class DatabaseComparison
{
    /// <summary>
    /// pg_dump --schema-only, without comments, blank lines and the per-run \restrict keys, and
    /// without the library's change-capture objects (see <see cref="ApplicationSchemaAsync"/>):
    /// restores leave them out, since they belong to the source's chain.
    /// </summary>
    public static async Task<string> NormalizedSchemaAsync(string database) =>
        string.Join('\n', WithoutCaptureObjects(await DumpSchemaAsync(database, "--exclude-schema=backup_core")));

    /// <summary>
    /// The schema the application made: <see cref="NormalizedSchemaAsync"/> without the SET lines, and
    /// without what the library installs for change capture (schema <c>backup_core</c> with its DDL
    /// capture function, the event triggers calling it, the publication named after it) — a
    /// recovered database need not carry them, and the source's change with each new chain.
    /// </summary>
    public static async Task<string> ApplicationSchemaAsync(string database)
    {
        return string.Join('\n', WithoutCaptureObjects(await DumpSchemaAsync(database, "--exclude-schema=backup_core"))
            .Where(s => !s.StartsWith("SET ", StringComparison.Ordinal) && !s.StartsWith("SELECT pg_catalog.set_config(", StringComparison.Ordinal)));
    }

    // The dump's statements but those of the publication and event triggers named after the library.
    private static IEnumerable<string> WithoutCaptureObjects(string dump)
    {
        var statements = new List<string>();
        var current = new List<string>();
        foreach (var line in dump.Split('\n'))
        {
            current.Add(line);
            if (line.EndsWith(';'))
            {
                statements.Add(string.Join('\n', current));
                current.Clear();
            }
        }
        statements.Add(string.Join('\n', current));
        // An event trigger calling backup_core's function, whatever its own name: its ALTER ... OWNER goes with it.
        var ours = statements.Where(s => s.StartsWith("CREATE EVENT TRIGGER ", StringComparison.Ordinal) && s.Contains("backup_core", StringComparison.Ordinal))
            .Select(s => "ALTER EVENT TRIGGER " + s.Split(' ')[3] + " ")
            .ToList();
        return statements.Where(s => s.Length > 0
            && !s.Contains("backup_core", StringComparison.Ordinal)
            && !ours.Any(o => s.StartsWith(o, StringComparison.Ordinal)));
    }

    private static async Task<string> DumpSchemaAsync(string database, params string[] options)
    {
        var info = new ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, "pg_dump"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in options.Concat(["--schema-only", "--no-password", "--host=" + TestServer.Host, "--port=" + TestServer.Port, "--username=" + TestServer.User, database]))
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGPASSWORD"] = TestServer.Password;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_dump --schema-only {database} exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
        }
        return string.Join('\n', output.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal)));
    }

    /// <summary>Per table (and sequence, and large object) a hash of its whole ordered content; not of the library's own schema backup_core, which restores leave out.</summary>
    public static async Task<SortedDictionary<string, string>> ContentHashesAsync(string database)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(database));
        await connection.OpenAsync();
        var relations = new List<(string Schema, string Name, char Kind)>();
        // Temporary tables (relpersistence 't') belong to a session, not to the database's content: a
        // replay's temp table lives on in its pooled connection until that connection is reset or closed.
        await using (var list = new NpgsqlCommand(
            "SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','m','S') AND c.relpersistence <> 't' AND n.nspname NOT IN ('pg_catalog','information_schema','backup_core') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2",
            connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                relations.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)[0]));
            }
        }
        foreach (var (schema, name, kind) in relations)
        {
            var sql = kind == 'S'
                ? $"SELECT last_value::text || ',' || is_called::text FROM {Quoted(schema)}.{Quoted(name)}"
                : $"SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), 'empty') || ':' || count(*) FROM {Quoted(schema)}.{Quoted(name)} t";
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            hashes[$"{kind} {schema}.{name}"] = (string)(await command.ExecuteScalarAsync())!;
        }
        await using (var lo = new NpgsqlCommand("SELECT coalesce(string_agg(oid::text || '=' || md5(lo_get(oid)), ',' ORDER BY oid), 'none') FROM pg_largeobject_metadata", connection))
        {
            hashes["large objects"] = (string)(await lo.ExecuteScalarAsync())!;
        }
        return hashes;
    }

    // Names with quotes in them (a table called quo"te) are tables too.
    private static string Quoted(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
