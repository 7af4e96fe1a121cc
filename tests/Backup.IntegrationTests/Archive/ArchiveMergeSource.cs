using System.Diagnostics;
using System.Text;
using Backup.Core.Postgres.Archive;
using Backup.TestSupport;
using Npgsql;

namespace Backup.IntegrationTests.Archive;

/// <summary>
/// A source database with awkward tables, its schema archive (pg_dump -Fc -Z0 with every leaf
/// table's data excluded) and each table's COPY text in a file, as a parallel backup stores them.
/// </summary>
public sealed class ArchiveMergeSource : IAsyncLifetime
{
    public const string Setup = """
        CREATE SCHEMA "Odd.Schema";
        CREATE TABLE public.plain (id int PRIMARY KEY, note text);
        INSERT INTO public.plain SELECT g, repeat(E'x\t', g % 7) || E'line\nbreak\\ ü ' || g FROM generate_series(1, 60000) g;
        CREATE TABLE "Odd.Schema"."Quote""Table" ("Mixed Case" int PRIMARY KEY, "ünï" text, "a.b" text);
        INSERT INTO "Odd.Schema"."Quote""Table" VALUES (1, 'ä', NULL), (2, E'tab\there', 'x');
        CREATE TABLE public."Ünicode_tbl" (id serial PRIMARY KEY, a int, doubled int GENERATED ALWAYS AS (a * 2) STORED);
        INSERT INTO public."Ünicode_tbl" (a) SELECT g FROM generate_series(1, 100) g;
        CREATE UNLOGGED TABLE public.scratch (k text);
        INSERT INTO public.scratch VALUES ('unlogged row');
        CREATE TABLE public.measure (at date NOT NULL, v numeric) PARTITION BY RANGE (at);
        CREATE TABLE public.measure_2024 PARTITION OF public.measure FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE public.measure_2025 PARTITION OF public.measure FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO public.measure SELECT date '2024-01-01' + g, g / 3.0 FROM generate_series(0, 700) g;
        CREATE TABLE public.child (id int PRIMARY KEY, plain_id int REFERENCES public.plain (id));
        CREATE INDEX child_plain_idx ON public.child (plain_id);
        INSERT INTO public.child SELECT g, g FROM generate_series(1, 50) g;
        CREATE TABLE public.empty_one (x int);
        CREATE TABLE public."ZZ" ();
        CREATE SEQUENCE public.counter;
        SELECT setval('public.counter', 42);
        SELECT lo_from_bytea(0, '\x00010203ff'::bytea);
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("archive-merge-").FullName;

    public string Database { get; } = $"it_arch_{Guid.NewGuid():N}"[..24];

    public string SchemaArchive => Path.Combine(_directory, "schema.dump");

    public IReadOnlyList<(string Schema, string Table, string Columns, string File)> Tables { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(Database);
        await TestServer.ExecuteAsync(Database, Setup);
        var tables = new List<(string, string, string, string)>();
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(Database));
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand("""
            SELECT n.nspname, c.relname, coalesce(string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            GROUP BY n.nspname, c.relname ORDER BY 1, 2
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                tables.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), Path.Combine(_directory, $"t{tables.Count}.copy")));
        }
        foreach (var (schema, table, columns, file) in tables)
        {
            var list = columns.Length == 0 ? "" : $"({columns})";
            using var export = await connection.BeginTextExportAsync($"COPY {Quote(schema)}.{Quote(table)} {list} TO STDOUT");
            await using var output = new StreamWriter(file, false, new UTF8Encoding(false));
            var buffer = new char[8192];
            int read;
            while ((read = await export.ReadAsync(buffer)) > 0)
                await output.WriteAsync(buffer.AsMemory(0, read));
        }
        Tables = tables;
        var excludes = tables.SelectMany(t => new[] { "--exclude-table-data", $"{Quote(t.Item1)}.{Quote(t.Item2)}" });
        await RunAsync("pg_dump", ["-Fc", "-Z0", "-f", SchemaArchive, .. excludes, "-d", Database]);
    }

    internal IReadOnlyList<TableDataSource> Sources(bool lengthsKnown) =>
        Tables.Select(t => new TableDataSource(t.Schema, t.Table, t.Columns, lengthsKnown ? new FileInfo(t.File).Length : null,
            _ => Task.FromResult<Stream>(File.OpenRead(t.File)))).ToList();

    public string NewFile(string name) => Path.Combine(_directory, name);

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    /// <summary>Runs a PostgreSQL tool, feeding <paramref name="stdinFile"/> through a pipe; returns stdout; throws on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, string? stdinFile = null)
    {
        var start = new ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            await using (var file = File.OpenRead(stdinFile))
                await file.CopyToAsync(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropDatabaseAsync(Database);
        Directory.Delete(_directory, recursive: true);
    }
}
