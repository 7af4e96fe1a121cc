using System.Text;
using System.Text.RegularExpressions;
using Backup.Core.Operations;

namespace Backup.Core.Postgres;

/// <summary>
/// Turns an archive's table of contents (<c>pg_restore --list</c>) into the list that restores only
/// chosen tables: their definitions, data, defaults, constraints, indexes, triggers and comments,
/// foreign keys between restored tables, plus every object that belongs to no table (schemas,
/// types, functions, sequences). A chosen partitioned table brings all its partitions (its rows
/// live there); a chosen partition brings the definitions of the partitioned tables above it, and
/// a table that inherits brings its parents' definitions, without their rows. Views, materialized
/// views, large objects and anything tied to another table are left out, and so are functions and
/// types whose definitions use the row type of a table that is not restored (pg_restore could not
/// create them). The SQL of the schema (<c>pg_restore --schema-only</c>) tells which table an
/// index, a foreign key, a partition or an owned sequence belongs to, which the list does not say.
/// </summary>
internal static partial class TableRestoreFilter
{
    // Longest first, so that "TABLE DATA" is not read as "TABLE".
    internal static readonly string[] MultiWordTypes =
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

    // Entries that are part of a table (or view): when left out, the left-out table says it all.
    private static readonly HashSet<string> PartOfARelation = new(StringComparer.Ordinal)
    {
        "TABLE DATA", "TABLE ATTACH", "CONSTRAINT", "DEFAULT", "TRIGGER", "RULE", "POLICY", "ROW SECURITY", "INDEX", "INDEX ATTACH", "FK CONSTRAINT",
        "SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET", "COMMENT", "ACL", "SECURITY LABEL", "MATERIALIZED VIEW DATA", "STATISTICS",
    };

    private static readonly HashSet<string> Relations = new(StringComparer.Ordinal) { "TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE", "SEQUENCE" };

    /// <summary>The filtered list: left-out entries are commented out with ';', which pg_restore ignores.</summary>
    public static string Filter(string tocList, string schemaSql, IEnumerable<string> tables) => Plan(tocList, schemaSql, tables).List;

    /// <summary>
    /// What restoring <paramref name="tables"/> restores and leaves out. Throws
    /// <see cref="Abstractions.UnknownTableException"/> when a name is no table of the archive.
    /// </summary>
    public static TableRestorePlan Plan(string tocList, string schemaSql, IEnumerable<string> tables)
    {
        var bodies = ParseBodies(schemaSql);
        var schemas = bodies.Keys.Select(k => k.Item2).ToHashSet(StringComparer.Ordinal);
        var entries = tocList.Split('\n').Select(line => (Line: line, Entry: ParseEntry(line, schemas))).ToList();
        string Body(Entry e) => bodies.TryGetValue((e.Type, e.Schema, e.Name), out var body) ? body : "";
        var parsed = entries.Where(e => e.Entry is not null).Select(e => e.Entry!.Value).ToList();

        var chosen = tables.Select(SqlIdentifier.SplitQualified).ToHashSet();
        var archiveTables = parsed.Where(e => e.Type == "TABLE").Select(e => (e.Schema, e.Name)).ToHashSet();
        var unknown = chosen.Where(t => !archiveTables.Contains(t)).ToList();
        if (unknown.Count > 0)
        {
            throw Abstractions.UnknownTableException.For(unknown.ToDictionary(
                t => $"{t.Item1}.{t.Item2}",
                t => TableNameSuggestions.For(t, parsed.Where(e => Relations.Contains(e.Type)).Select(e => (e.Type, e.Schema, e.Name)))));
        }

        // Partitions hang under their parents by TABLE ATTACH; inheritance children name their parents in CREATE TABLE.
        var parents = new Dictionary<(string, string), List<(string, string)>>();
        foreach (var e in parsed.Where(e => e.Type == "TABLE"))
        {
            if (Inherits().Match(Body(e)) is { Success: true } inherits)
            {
                parents[(e.Schema, e.Name)] = QualifiedName().Matches(inherits.Groups[1].Value).Select(m => Qualified(m.Value)).ToList();
            }
        }
        foreach (var e in parsed.Where(e => e.Type == "TABLE ATTACH"))
        {
            if (AttachPartition().Match(Body(e)) is { Success: true } attach)
            {
                parents[Qualified(attach.Groups[2].Value)] = [Qualified(attach.Groups[1].Value)];
            }
        }
        var partitions = parsed.Where(e => e.Type == "TABLE ATTACH").Select(e => (e.Schema, e.Name)).ToHashSet();
        var broughtIn = new List<RestoreObject>();
        var withData = new HashSet<(string, string)>(chosen);
        var pending = new Queue<(string, string)>(chosen);
        while (pending.TryDequeue(out var table))
        {
            foreach (var partition in parents.Where(p => partitions.Contains(p.Key) && p.Value.Contains(table)).Select(p => p.Key))
            {
                if (withData.Add(partition))
                {
                    broughtIn.Add(new RestoreObject("partition", Name(partition), $"a partition of {Name(table)}, which is restored: its rows live there"));
                    pending.Enqueue(partition);
                }
            }
        }
        var restored = new HashSet<(string, string)>(withData);
        pending = new Queue<(string, string)>(withData);
        while (pending.TryDequeue(out var table))
        {
            foreach (var parent in parents.GetValueOrDefault(table) ?? [])
            {
                if (restored.Add(parent))
                {
                    broughtIn.Add(new RestoreObject("table", Name(parent), $"{Name(table)} is {(partitions.Contains(table) ? "its partition" : "its child")}; only its definition is restored, not its rows or its other {(partitions.Contains(table) ? "partitions" : "children")}"));
                    pending.Enqueue(parent);
                }
            }
        }

        var leftOutTypes = LeftOutForRowTypes(parsed, Body, restored, archiveTables);
        var ownedSequences = parsed.Where(e => e.Type == "SEQUENCE OWNED BY")
            .Select(e => (Sequence: (e.Schema, e.Name), Owner: OwnedBy().Match(Body(e))))
            .Where(o => o.Owner.Success)
            .ToDictionary(o => o.Sequence, o => Qualified(o.Owner.Groups[1].Value));
        var indexOwners = parsed.Where(e => e.Type == "INDEX" && IndexOn().IsMatch(Body(e))).ToDictionary(e => (e.Schema, e.Name), e => Qualified(IndexOn().Match(Body(e)).Groups[1].Value));
        foreach (var e in parsed.Where(e => e.Type == "CONSTRAINT"))
        {
            indexOwners.TryAdd((e.Schema, e.Name.Split(' ')[^1]), (e.Schema, e.Name.Split(' ')[0]));
        }

        var droppedSequences = new HashSet<(string, string)>();
        var leftOut = new List<RestoreObject>();
        var missingReferences = new SortedSet<string>(StringComparer.Ordinal);
        var output = new StringBuilder();
        foreach (var (line, entry) in entries)
        {
            if (entry is not { } e)
            {
                output.Append(line).Append('\n');
                continue;
            }
            var body = Body(e);
            string? reason = null;
            var keep = e.Type switch
            {
                "SEQUENCE SET" => !droppedSequences.Contains((e.Schema, e.Name)),
                "TABLE DATA" => withData.Contains((e.Schema, e.Name)),
                "TABLE ATTACH" => restored.Contains((e.Schema, e.Name)),
                "SEQUENCE" when ownedSequences.TryGetValue((e.Schema, e.Name), out var owner) => restored.Contains(owner),
                "INDEX ATTACH" => AttachIndex().Match(body) is { Success: true } attach
                    && indexOwners.TryGetValue(Qualified(attach.Groups[1].Value), out var parentTable) && restored.Contains(parentTable)
                    && indexOwners.TryGetValue(Qualified(attach.Groups[2].Value), out var childTable) && restored.Contains(childTable),
                _ when leftOutTypes.TryGetValue((e.Type, e.Schema, e.Name), out reason) => false,
                _ => Keep(e.Type, e.Schema, e.Name, body, restored, leftOutTypes),
            };
            if (!keep && e.Type == "SEQUENCE")
            {
                droppedSequences.Add((e.Schema, e.Name));
            }
            if (!keep && e.Type == "FK CONSTRAINT" && restored.Contains((e.Schema, e.Name.Split(' ')[0])))
            {
                missingReferences.UnionWith(References().Matches(body).Select(m => Qualified(m.Groups[1].Value)).Where(t => !restored.Contains(t)).Select(Name));
            }
            if (!keep && LeftOutEntry(e, body, reason, restored) is { } item)
            {
                leftOut.Add(item);
            }
            output.Append(keep ? "" : ";").Append(line).Append('\n');
        }
        return new TableRestorePlan
        {
            Tables = restored.Select(Name).Order(StringComparer.Ordinal).ToList(),
            TablesWithData = withData.Select(Name).Order(StringComparer.Ordinal).ToList(),
            BroughtIn = broughtIn,
            LeftOut = leftOut,
            List = output.ToString(),
            MissingReferences = [.. missingReferences],
        };
    }

    private static string Name((string Schema, string Name) table) => $"{table.Schema}.{table.Name}";

    // Functions, types and domains whose signatures or definitions name a relation that is not
    // restored: pg_restore cannot create them. Function bodies in quotes are not looked at, since
    // pg_restore does not check them (check_function_bodies is off); they fail only when called.
    // A left-out type or domain makes what uses it left out too, hence the repetition.
    private static Dictionary<(string, string, string), string> LeftOutForRowTypes(
        List<Entry> entries, Func<Entry, string> body, HashSet<(string, string)> restored, HashSet<(string, string)> archiveTables)
    {
        var missing = entries.Where(e => Relations.Contains(e.Type) && e.Type != "SEQUENCE" && !restored.Contains((e.Schema, e.Name)))
            .Select(e => (e.Schema, e.Name)).ToHashSet();
        var leftOut = new Dictionary<(string, string, string), string>();
        var candidates = entries.Where(e => e.Type is "FUNCTION" or "PROCEDURE" or "AGGREGATE" or "TYPE" or "DOMAIN" or "CAST" or "OPERATOR").ToList();
        bool changed;
        do
        {
            changed = false;
            foreach (var e in candidates.Where(c => !leftOut.ContainsKey((c.Type, c.Schema, c.Name))))
            {
                var text = Quoted().Replace(body(e), "''");
                var used = QualifiedName().Matches(text)
                    .Where(m => m.Index + m.Length >= text.Length || text[m.Index + m.Length] != '(')
                    .Select(m => Qualified(m.Value))
                    .FirstOrDefault(missing.Contains);
                if (used == default)
                {
                    continue;
                }
                leftOut[(e.Type, e.Schema, e.Name)] = archiveTables.Contains(used)
                    ? $"it uses the row type of {Name(used)}, which is not restored"
                    : $"it uses {Name(used)}, which is not restored";
                if (e.Type is "TYPE" or "DOMAIN")
                {
                    missing.Add((e.Schema, e.Name));
                }
                changed = true;
            }
        }
        while (changed);
        return leftOut;
    }

    // What the result says about a left-out entry; null when the left-out table or view it belongs to says it.
    private static RestoreObject? LeftOutEntry(Entry e, string body, string? reason, HashSet<(string, string)> restored)
    {
        var name = Name((e.Schema, e.Name));
        if (reason is not null)
        {
            return new RestoreObject(e.Type.ToLowerInvariant(), name, reason);
        }
        var owner = (e.Schema, e.Name.Split(' ')[0]);
        switch (e.Type)
        {
            case "TABLE":
                return new RestoreObject("table", name, "not chosen");
            case "VIEW" or "MATERIALIZED VIEW":
                return new RestoreObject(e.Type.ToLowerInvariant(), name, "a partial restore leaves views out: they may read tables that are not restored");
            case "FK CONSTRAINT" when restored.Contains(owner):
                var missing = References().Matches(body).Select(m => Qualified(m.Groups[1].Value)).Where(t => !restored.Contains(t)).Select(Name);
                return new RestoreObject("foreign key", $"{e.Name.Split(' ')[^1]} on {Name(owner)}", $"it references {string.Join(", ", missing)}, which is not restored");
            case "TRIGGER" when restored.Contains(owner):
                return new RestoreObject("trigger", $"{e.Name.Split(' ')[^1]} on {Name(owner)}", "its function is not restored");
            case var type when PartOfARelation.Contains(type):
                return null;
            default:
                return new RestoreObject(e.Type.ToLowerInvariant(), name, "it belongs to no restored table");
        }
    }

    private static bool Keep(string type, string schema, string name, string body, HashSet<(string, string)> chosen, Dictionary<(string, string, string), string> leftOutTypes)
    {
        if (type is "TABLE" or "TABLE DATA")
        {
            return chosen.Contains((schema, name));
        }
        if (type == "TRIGGER" && TriggerFunction().Match(body) is { Success: true } function
            && leftOutTypes.Keys.Any(k => k.Item1 == "FUNCTION" && (k.Item2, k.Item3.Split('(')[0]) == Qualified(function.Groups[1].Value)))
        {
            return false;
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
                    "SCHEMA" or "TYPE" or "DOMAIN" or "FUNCTION" or "PROCEDURE" or "AGGREGATE" or "EXTENSION" or "SEQUENCE" or "LANGUAGE" => !leftOutTypes.ContainsKey((kind, schema, target)),
                    _ => false,
                };
        }
        // An identity column's sequence is created by ALTER TABLE on its table.
        return Standalone.Contains(type) && AlterTable().Matches(body).All(m => chosen.Contains(Qualified(m.Groups[1].Value)));
    }

    // The list does not quote names, so "My Schema Orders" could split either way: the split whose
    // schema the schema SQL knows wins.
    private static Entry? ParseEntry(string line, HashSet<string> schemas)
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
                return new Entry(type, schema, name);
            }
        }
        return new Entry(type, tokens[0], string.Join(' ', tokens[1..^1]));
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

    [GeneratedRegex(Identifier + @"\." + Identifier)]
    private static partial Regex QualifiedName();

    // Dollar-quoted bodies and string literals, which pg_restore does not resolve names in.
    [GeneratedRegex(@"\$(\w*)\$.*?\$\1\$|'(?:[^']|'')*'", RegexOptions.Singleline)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\)\s*INHERITS \(([^)]*)\)")]
    private static partial Regex Inherits();

    [GeneratedRegex(@"\bALTER TABLE ONLY (" + Identifier + @"\." + Identifier + @") ATTACH PARTITION (" + Identifier + @"\." + Identifier + ")")]
    private static partial Regex AttachPartition();

    [GeneratedRegex(@"\bALTER INDEX (" + Identifier + @"\." + Identifier + @") ATTACH PARTITION (" + Identifier + @"\." + Identifier + ")")]
    private static partial Regex AttachIndex();

    [GeneratedRegex(@"\bEXECUTE (?:FUNCTION|PROCEDURE) (" + Identifier + @"\." + Identifier + @")\(")]
    private static partial Regex TriggerFunction();

    private readonly record struct Entry(string Type, string Schema, string Name);
}
