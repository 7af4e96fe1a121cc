using System.Text.RegularExpressions;

namespace Backup.Core.Postgres;

/// <summary>
/// Leaves the library's own change-capture objects out of a restore: the publication, the event
/// triggers of <see cref="DdlCapture"/>, and the schema <see cref="DdlCapture.Schema"/> with all it
/// holds (the functions, the <see cref="DdlCapture.LogTable"/> table and its rows). They belong to
/// the source's chain, not to a restored copy: a copy that becomes a source gets its own from its
/// next full backup. And only a superuser may create event triggers or a publication FOR ALL
/// TABLES, so restoring them made every restore by a non-superuser fail. Replay does not need them
/// in the target: the log table's rows are read from the stream as records and never applied.
/// </summary>
internal static partial class CaptureObjectsFilter
{
    private static readonly string[] EventTriggers = ["backup_core_ddl", "backup_core_ddl_rewrite", "backup_core_ddl_drop"];

    /// <summary>Whether <paramref name="table"/> (<c>schema.table</c>) is one of ours, which restores leave out (its rows are not checked).</summary>
    public static bool IsCaptureTable(string table) => table.StartsWith(DdlCapture.Schema + ".", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="tocList"/> (<c>pg_restore --list</c>) with our entries commented out with ';',
    /// which pg_restore ignores, and how many were; entries already commented out stay as they are.
    /// </summary>
    public static (string List, int LeftOut) LeaveOut(string tocList, string publicationName)
    {
        ArgumentNullException.ThrowIfNull(tocList);
        var leftOut = 0;
        var lines = tocList.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (TocLine().Match(lines[i]) is { Success: true } entry && IsOurs(entry.Groups[1].Value, publicationName))
            {
                lines[i] = ";" + lines[i];
                leftOut++;
            }
        }
        return (string.Join('\n', lines), leftOut);
    }

    // The list gives "<type> <schema or -> <name> <owner>", names unquoted. For an object in no
    // schema (schemas, publications, event triggers) the schema is "-", and a comment or grant on
    // one is named "<type> <name>": "COMMENT - EVENT TRIGGER backup_core_ddl postgres". A
    // publication's table is "PUBLICATION TABLE <table's schema> <publication> <table>".
    private static bool IsOurs(string entry, string publicationName)
    {
        var schema = DdlCapture.Schema;
        var type = TableRestoreFilter.MultiWordTypes.FirstOrDefault(t => entry.StartsWith(t + " ", StringComparison.Ordinal)) ?? entry.Split(' ')[0];
        var afterType = entry[Math.Min(entry.Length, type.Length + 1)..];
        var space = afterType.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return false;
        }
        var (inSchema, rest) = (afterType[..space], afterType[(space + 1)..]);
        if (inSchema == schema)
        {
            return true;
        }
        if (inSchema != "-")
        {
            return type == "PUBLICATION TABLE" && rest.StartsWith(publicationName + " ", StringComparison.Ordinal);
        }
        bool Ours(string named) =>
            Named(named, "SCHEMA " + schema) || Named(named, "PUBLICATION " + publicationName) || EventTriggers.Any(t => Named(named, "EVENT TRIGGER " + t));
        return type switch
        {
            "SCHEMA" or "PUBLICATION" or "EVENT TRIGGER" => Ours(type + " " + rest),
            "PUBLICATION TABLES IN SCHEMA" => rest.StartsWith(publicationName + " ", StringComparison.Ordinal),
            _ => Ours(rest),
        };
    }

    // The name, then the owner (possibly empty).
    private static bool Named(string rest, string name) => rest.StartsWith(name + " ", StringComparison.Ordinal) || rest == name;

    [GeneratedRegex(@"^\d+; \d+ \d+ (.+)$")]
    private static partial Regex TocLine();
}
