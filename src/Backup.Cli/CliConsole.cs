using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Backup.Cli;

/// <summary>
/// Where output goes and in which form: on a terminal, live progress and tables; otherwise plain
/// lines; with <c>--json</c>, exactly one JSON document on stdout and everything else on stderr.
/// </summary>
internal sealed class CliConsole
{
    private CliConsole(TextWriter output, TextWriter error, bool json, bool interactive)
    {
        Output = output;
        Error = error;
        Json = json;
        Interactive = interactive;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public bool Json { get; }

    /// <summary>A person is watching: stdout and stderr are the process's own terminal.</summary>
    public bool Interactive { get; }

    public static CliConsole For(ParseResult parse, CliOptions options)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var json = parse.GetValue(options.Json);
        var interactive = !json
            && ReferenceEquals(output, Console.Out)
            && !Console.IsOutputRedirected && !Console.IsErrorRedirected
            && AnsiConsole.Profile.Capabilities.Interactive;
        return new CliConsole(output, error, json, interactive);
    }

    /// <summary>A line for people: on stdout, or on stderr when stdout holds the JSON document.</summary>
    public void Line(string text) => (Json ? Error : Output).WriteLine(text);

    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, CliJson.Options));

    public void Fail(string message) => Error.WriteLine($"error: {message}");

    /// <summary>Rows of name and value: a table on a terminal, "name: value" lines otherwise.</summary>
    public void Summary(string title, IEnumerable<(string Name, string Value)> rows)
    {
        if (Interactive)
        {
            var table = new Table().Title(title).AddColumn("").AddColumn("");
            table.ShowHeaders = false;
            foreach (var (name, value) in rows)
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(value));
            }
            AnsiConsole.Write(table);
            return;
        }
        Line(title);
        foreach (var (name, value) in rows)
        {
            Line($"  {name}: {value}");
        }
    }

    /// <summary>A table with headers on a terminal; tab-separated lines (with a header line) otherwise.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (Interactive)
        {
            var table = new Table();
            foreach (var header in headers)
            {
                table.AddColumn(Markup.Escape(header));
            }
            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }
            AnsiConsole.Write(table);
            return;
        }
        Line(string.Join('\t', headers));
        foreach (var row in rows)
        {
            Line(string.Join('\t', row));
        }
    }
}
