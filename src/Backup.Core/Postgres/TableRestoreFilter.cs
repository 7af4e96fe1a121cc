using System.Text;
using System.Text.RegularExpressions;

namespace Backup.Core.Postgres;

/// <summary>
/// Turns an archive's table of contents (<c>pg_restore --list</c>) into the list that restores only
/// chosen tables: their definitions, data, defaults, constraints, indexes, triggers and comments,
/// foreign keys between chosen tables, plus every object that belongs to no table (schemas,
/// types, functions, sequences). Views, materialized views, large objects and anything tied to
/// another table are left out. The SQL of the schema (<c>pg_restore --schema-only</c>) tells which
/// table an index, a foreign key or an owned sequence belongs to, which the list does not say.
/// </summary>
internal static partial class TableRestoreFilter
{
    // Longest first, so that "TABLE DATA" is not read as "TABLE".
    private static readonly string[] MultiWordTypes =
    [
        "PUBLICATION TABLES IN SCHEMA", "MATERIALIZED VIEW DATA", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "TEXT SEARCH TEMPLATE",
        "TEXT SEARCH PARSER", "FOREIGN DATA WRAPPER", "SEQUENCE OWNED BY", "PROCEDURAL LANGUAGE", "MATERIALIZED VIEW", "PUBLICATION TABLE",
        "OPERATOR FAMILY", "OPERATOR CLASS", "FOREIGN SERVER", "SECURITY LABEL", "EVENT TRIGGER", "FOREIGN TABLE", "ACCESS METHOD",
        "FK CONSTRAINT", "INDEX ATTACH", "TABLE ATTACH", "SEQUENCE SET", "LARGE OBJECT", "ROW SECURITY", "USER MAPPING", "DEFAULT ACL",
        "SHELL TYPE", "TABLE DATA",
    ];

    private static readonly HashSet<string> Standalone = new(StringComparer.Ordinal)
    {
        "SCHEMA", "EXTENSION", "TYPE", "SHELL TYPE", "DOMAIN", "FUNCTION", "PROCEDURE", "AGGREGATE", "OPERATOR", "OPERATOR CLASS",
        "OPERATOR FAMILY", "COLLATION", "CAST", "CONVERSION", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "TEXT SEARCH PARSER",
        "TEXT SEARCH TEMPLATE", "ENCODING", "STDSTRINGS", "SEARCHPATH", "SEQUENCE", "SEQUENCE SET", "PROCEDURAL LANGUAGE", "ACCESS METHOD",
    };

    private static readonly HashSet<string> TableFirstInName = new(StringComparer.Ordinal) { "CONSTRAINT", "DEFAULT", "TRIGGER", "RULE", "POLICY", "ROW SECURITY" };

    /// <summary>The filtered list: left-out entries are commented out with ';', which pg_restore ignores.</summary>
    public static string Filter(string tocList, string schemaSql, IEnumerable<string> tables)
    {
        var chosen = tables.Select(PostgresBackupEngine.SplitQualified).ToHashSet();
        var bodies = ParseBodies(schemaSql);
        var schemas = bodies.Keys.Select(k => k.Item2).ToHashSet(StringComparer.Ordinal);
        var droppedSequences = new HashSet<(string, string)>();
        var output = new StringBuilder();
        foreach (var line in tocList.Split('\n'))
        {
            var entry = ParseEntry(line, schemas);
            if (entry is null)
            {
                output.Append(line).Append('\n');
                continue;
            }
            var (type, schema, name) = entry.Value;
            bodies.TryGetValue((type, schema, name), out var body);
            var keep = type == "SEQUENCE SET" ? !droppedSequences.Contains((schema, name)) : Keep(type, schema, name, body ?? "", chosen);
            if (!keep && type == "SEQUENCE")
            {
                droppedSequences.Add((schema, name));
            }
            output.Append(keep ? "" : ";").Append(line).Append('\n');
        }
        return output.ToString();
    }

    private static bool Keep(string type, string schema, string name, string body, HashSet<(string, string)> chosen)
    {
        if (type is "TABLE" or "TABLE DATA")
        {
            return chosen.Contains((schema, name));
        }
        if (TableFirstInName.Contains(type))
        {
            return chosen.Contains((schema, name.Split(' ')[0]));
        }
        switch (type)
        {
            case "FK CONSTRAINT":
                return chosen.Contains((schema, name.Split(' ')[0])) && References().Matches(body).All(m => chosen.Contains(Qualified(m.Groups[1].Value)));
            case "INDEX":
                return IndexOn().Match(body) is { Success: true } on && chosen.Contains(Qualified(on.Groups[1].Value));
            case "SEQUENCE OWNED BY":
                return OwnedBy().Match(body) is { Success: true } owner && chosen.Contains(Qualified(owner.Groups[1].Value));
            case "COMMENT" or "ACL" or "SECURITY LABEL":
                var space = name.IndexOf(' ', StringComparison.Ordinal);
                var kind = space < 0 ? name : name[..space];
                var target = space < 0 ? "" : name[(space + 1)..];
                return kind switch
                {
                    "TABLE" => chosen.Contains((schema, target)),
                    "COLUMN" => chosen.Contains((schema, target.Split('.')[0])),
                    "SCHEMA" or "TYPE" or "DOMAIN" or "FUNCTION" or "PROCEDURE" or "AGGREGATE" or "EXTENSION" or "SEQUENCE" or "LANGUAGE" => true,
                    _ => false,
                };
        }
        // An identity column's sequence is created by ALTER TABLE on its table.
        return Standalone.Contains(type) && AlterTable().Matches(body).All(m => chosen.Contains(Qualified(m.Groups[1].Value)));
    }

    // The list does not quote names, so "My Schema Orders" could split either way: the split whose
    // schema the schema SQL knows wins.
    private static (string Type, string Schema, string Name)? ParseEntry(string line, HashSet<string> schemas)
    {
        var match = TocLine().Match(line);
        if (!match.Success)
        {
            return null;
        }
        var rest = match.Groups[1].Value;
        var type = MultiWordTypes.FirstOrDefault(t => rest.StartsWith(t + " ", StringComparison.Ordinal)) ?? rest.Split(' ')[0];
        var tokens = rest[(type.Length + 1)..].Split(' ');
        if (tokens.Length < 3)
        {
            return null;
        }
        for (var split = 1; split < tokens.Length - 1; split++)
        {
            var schema = string.Join(' ', tokens[..split]);
            var name = string.Join(' ', tokens[split..^1]);
            if (schemas.Contains(schema))
            {
                return (type, schema, name);
            }
        }
        return (type, tokens[0], string.Join(' ', tokens[1..^1]));
    }

    private static Dictionary<(string, string, string), string> ParseBodies(string sql)
    {
        var bodies = new Dictionary<(string, string, string), string>();
        var headers = Header().Matches(sql);
        for (var i = 0; i < headers.Count; i++)
        {
            var start = headers[i].Index + headers[i].Length;
            var end = i + 1 < headers.Count ? headers[i + 1].Index : sql.Length;
            var key = (headers[i].Groups[2].Value, headers[i].Groups[3].Value, headers[i].Groups[1].Value);
            bodies[key] = bodies.TryGetValue(key, out var earlier) ? earlier + sql[start..end] : sql[start..end];
        }
        return bodies;
    }

    private static (string, string) Qualified(string text)
    {
        var parts = QualifiedParts().Match(text);
        return (Unquote(parts.Groups[1].Value), Unquote(parts.Groups[2].Value));
    }

    private static string Unquote(string identifier) =>
        identifier.StartsWith('"') ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier;

    private const string Identifier = @"(?:""(?:[^""]|"""")+""|[\w$]+)";

    [GeneratedRegex(@"^\d+; \d+ \d+ (.+)$")]
    private static partial Regex TocLine();

    [GeneratedRegex(@"^-- Name: (.*); Type: (.*); Schema: (.*); Owner: .*$", RegexOptions.Multiline)]
    private static partial Regex Header();

    [GeneratedRegex(@"\bREFERENCES (" + Identifier + @"\." + Identifier + ")")]
    private static partial Regex References();

    [GeneratedRegex(@"\bINDEX .*? ON (?:ONLY )?(" + Identifier + @"\." + Identifier + ")")]
    private static partial Regex IndexOn();

    [GeneratedRegex(@"\bOWNED BY (" + Identifier + @"\." + Identifier + @")\." + Identifier)]
    private static partial Regex OwnedBy();

    // "ALTER TABLE x OWNER TO" is also how pg_dump sets a sequence's owner: that ties it to no table.
    [GeneratedRegex(@"\bALTER TABLE (?:ONLY )?(" + Identifier + @"\." + Identifier + @")(?![\w$""])(?! OWNER TO)")]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"^(" + Identifier + @")\.(" + Identifier + ")$")]
    private static partial Regex QualifiedParts();
}
