using System.Text.RegularExpressions;

namespace Backup.Core.Changes;

/// <summary>
/// What replay runs for a recorded schema change. The trigger records the client's whole query
/// text, which may hold several statements (<c>psql -c "a; b"</c>, a script sent as one string) or
/// run DDL from a DO block; this splits it (quotes, dollar quotes and comments respected) and
/// decides per statement. The text is run once, at the first message of its query.
/// </summary>
/// <remarks>
/// A text that also changes rows (INSERT, UPDATE, a function call, a DO block that writes) cannot
/// be run again: its row changes are already in the stream, and running it would apply them
/// twice. Such a text is <see cref="Unreplayable"/> and capture ends the chain at it.
/// Statements that cannot run inside a transaction lose CONCURRENTLY (the recovered database has
/// no concurrent users to spare); transaction control is skipped (replay owns the transaction);
/// SET becomes SET LOCAL; statements on cluster-wide objects (roles, databases, tablespaces) and
/// maintenance commands are skipped with the reason recorded.
/// </remarks>
internal sealed partial class SchemaChangeScript
{
    private static readonly HashSet<string> TransactionControl = new(StringComparer.OrdinalIgnoreCase) { "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE" };
    private static readonly HashSet<string> Maintenance = new(StringComparer.OrdinalIgnoreCase) { "VACUUM", "ANALYZE", "ANALYSE", "CHECKPOINT", "LOCK", "DISCARD", "LISTEN", "UNLISTEN", "NOTIFY", "LOAD", "CLUSTER", "REINDEX" };
    private static readonly HashSet<string> Ddl = new(StringComparer.OrdinalIgnoreCase) { "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "SECURITY", "IMPORT", "REFRESH" };
    private static readonly HashSet<string> ClusterWide = new(StringComparer.OrdinalIgnoreCase) { "ROLE", "USER", "GROUP", "DATABASE", "TABLESPACE", "SYSTEM" };

    private SchemaChangeScript(IReadOnlyList<string> statements, IReadOnlyList<string> skipped, string? unreplayable)
    {
        Statements = statements;
        Skipped = skipped;
        Unreplayable = unreplayable;
    }

    /// <summary>The statements to run, in order, rewritten as described.</summary>
    public IReadOnlyList<string> Statements { get; }

    /// <summary>Statements left out, each with why.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Why the text cannot be run again, or null.</summary>
    public string? Unreplayable { get; }

    /// <summary>Splits and judges the recorded query text of <paramref name="change"/>.</summary>
    public static SchemaChangeScript Of(SchemaChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (RewriteReason(change) is var reason && (reason & 2) != 0)
        {
            return Refused($"it filled the existing rows of {change.Rewrite[(change.Rewrite.IndexOf(' ', StringComparison.Ordinal) + 1)..]} with values computed per row (a column added with a volatile default such as random() or gen_random_uuid(), or an identity or serial column), which the change stream does not carry, so running it again would give other values");
        }
        var statements = new List<string>();
        var skipped = new List<string>();
        var all = Split(change.Statement);
        for (var index = 0; index < all.Count; index++)
        {
            var statement = all[index];
            var words = Words(statement, 3);
            var first = words.Count > 0 ? words[0] : "";
            var second = words.Count > 1 ? words[1] : "";
            if (TransactionControl.Contains(first) || Is(first, "PREPARE") && Is(second, "TRANSACTION"))
            {
                // Replay owns the transaction: an opening BEGIN and a closing COMMIT say nothing more.
                // Anything else (two transactions in one text, savepoints) would run what the source rolled back, or twice.
                var opens = index == 0 && (Is(first, "BEGIN") || Is(first, "START"));
                var closes = index == all.Count - 1 && (Is(first, "COMMIT") || Is(first, "END"));
                if (!opens && !closes)
                {
                    return Refused($"the query that ran it holds transaction control inside (\"{Head(statement)}\"), so it cannot be run again as one transaction");
                }
                continue;
            }
            if (Is(first, "SET") || Is(first, "RESET"))
            {
                // The role is replay's to choose: the role that ran the statement, never another.
                if (Is(second, "ROLE") || Is(second, "SESSION") && words.Count > 2 && Is(words[2], "AUTHORIZATION") || Is(second, "SESSION") && Is(first, "RESET")
                    || Is(second, "LOCAL") && words.Count > 2 && (Is(words[2], "ROLE") || Is(words[2], "SESSION")))
                {
                    return Refused($"the query that ran it changes the role (\"{Head(statement)}\"), and replay runs every statement as the role that ran it");
                }
                if (Is(first, "RESET") && Is(second, "ALL"))
                {
                    skipped.Add($"{Head(statement)} (replay keeps its own session settings)");
                    continue;
                }
                if (LocalSet(statement, words) is { } local)
                {
                    statements.Add(local);
                }
                continue;
            }
            if (Maintenance.Contains(first))
            {
                skipped.Add($"{Head(statement)} (maintenance: no change to the schema or rows)");
                continue;
            }
            if (Ddl.Contains(first) && ClusterWide.Contains(second))
            {
                skipped.Add($"{Head(statement)} (a cluster-wide object: roles are restored with the backup, databases and tablespaces are the target's)");
                continue;
            }
            if (Ddl.Contains(first))
            {
                if ((reason & 4) != 0 && RecomputesWithAFunction(statement) is { } function)
                {
                    return Refused($"it recomputed the values of a column with {function}(…), which may give other values when run again (only casts are repeatable)");
                }
                statements.Add(WithoutConcurrently(statement, words));
                continue;
            }
            if (Is(first, "DO") && OnlyDdl(statement))
            {
                statements.Add(statement);
                continue;
            }
            if (Is(first, "SELECT") && change.Tag == "SELECT INTO" && all.Count(s => !IsSessionOnly(s)) == 1)
            {
                statements.Add(statement);
                continue;
            }
            return Refused($"the query that ran it also changes rows or calls code (\"{Head(statement)}\"), and running it again would apply its row changes twice");
        }
        return new SchemaChangeScript(statements, skipped, null);
    }

    private static SchemaChangeScript Refused(string why) => new([], [], why);

    private static bool Is(string word, string keyword) => word.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private static int RewriteReason(SchemaChange change) =>
        change.Rewrite.Length > 0 && int.TryParse(change.Rewrite.AsSpan(0, Math.Max(0, change.Rewrite.IndexOf(' ', StringComparison.Ordinal))), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var reason) ? reason : 0;

    // ALTER ... TYPE ... USING expression: a cast is repeatable; a function call (random(), now(), a user's) may not be.
    private static string? RecomputesWithAFunction(string statement)
    {
        var at = UsingKeyword().Match(statement);
        if (!at.Success)
        {
            return null;
        }
        foreach (Match call in FunctionCall().Matches(statement, at.Index))
        {
            var name = call.Groups[1].Value;
            if (!RepeatableInUsing.Contains(name))
            {
                return name;
            }
        }
        return null;
    }

    private static readonly HashSet<string> RepeatableInUsing = new(StringComparer.OrdinalIgnoreCase) { "CAST", "COALESCE", "NULLIF", "NUMERIC", "DECIMAL", "VARCHAR", "CHAR", "CHARACTER", "TIMESTAMP", "TIME", "INTERVAL", "BIT", "VARBIT", "FLOAT", "DOUBLE", "USING", "AND", "OR", "NOT", "IN", "WHEN", "THEN", "ELSE" };

    // A DO block that only runs DDL under conditions: no row changes, no dynamic SQL, no calls, no
    // assignments (a function called for its value may write rows), no SELECT but in EXISTS (...).
    private static bool OnlyDdl(string block)
    {
        if (WritesRows().IsMatch(block) || block.Contains(":=", StringComparison.Ordinal))
        {
            return false;
        }
        var selects = SelectKeyword().Count(block);
        var inExists = ExistsSelect().Count(block);
        return selects == inExists;
    }

    /// <summary>The statements of a query text, each without its terminating semicolon, empty ones left out.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var statements = new List<string>();
        var start = 0;
        var i = 0;
        var atomic = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\'')
            {
                var escapes = i > 0 && (text[i - 1] is 'E' or 'e') && (i < 2 || !IsIdentifierChar(text[i - 2]));
                i = SkipQuoted(text, i, '\'', escapes);
            }
            else if (c == '"')
            {
                i = SkipQuoted(text, i, '"', escapes: false);
            }
            else if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end + 1;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                i = SkipBlockComment(text, i);
            }
            else if (c == '$' && (i == 0 || !IsIdentifierChar(text[i - 1])) && DollarTag(text, i) is { } tag)
            {
                var end = text.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + tag.Length;
            }
            else if (c == ';' && atomic == 0)
            {
                Add(text[start..i]);
                i++;
                start = i;
            }
            else if (char.IsLetter(c) && (i == 0 || !IsIdentifierChar(text[i - 1])))
            {
                // A SQL-standard body (BEGIN ATOMIC ... END) holds semicolons; CASE ... END nests inside it.
                var end = i;
                while (end < text.Length && IsIdentifierChar(text[end]))
                {
                    end++;
                }
                var word = text[i..end];
                if (atomic > 0 && Is(word, "CASE"))
                {
                    atomic++;
                }
                else if (atomic > 0 && Is(word, "END"))
                {
                    atomic--;
                }
                else if (atomic == 0 && Is(word, "BEGIN") && Words(text[end..], 1) is [var next] && Is(next, "ATOMIC"))
                {
                    atomic = 1;
                }
                i = end;
            }
            else
            {
                i++;
            }
        }
        Add(text[start..]);
        return statements;

        void Add(string statement)
        {
            if (Words(statement, 1).Count > 0)
            {
                statements.Add(statement.Trim());
            }
        }
    }

    // The first words of a statement, comments and whitespace skipped.
    private static List<string> Words(string statement, int count)
    {
        var words = new List<string>();
        var i = 0;
        while (i < statement.Length && words.Count < count)
        {
            var c = statement[i];
            if (char.IsWhiteSpace(c) || c == '(')
            {
                i++;
            }
            else if (c == '-' && i + 1 < statement.Length && statement[i + 1] == '-')
            {
                var end = statement.IndexOf('\n', i);
                i = end < 0 ? statement.Length : end + 1;
            }
            else if (c == '/' && i + 1 < statement.Length && statement[i + 1] == '*')
            {
                i = SkipBlockComment(statement, i);
            }
            else if (IsIdentifierChar(c))
            {
                var start = i;
                while (i < statement.Length && IsIdentifierChar(statement[i]))
                {
                    i++;
                }
                words.Add(statement[start..i]);
            }
            else
            {
                break;
            }
        }
        return words;
    }

    private static bool IsSessionOnly(string statement)
    {
        var first = Words(statement, 1).FirstOrDefault() ?? "";
        return TransactionControl.Contains(first) || first.Equals("SET", StringComparison.OrdinalIgnoreCase) || first.Equals("RESET", StringComparison.OrdinalIgnoreCase);
    }

    // A setting changed by the script lasts for the replayed transaction only.
    private static string? LocalSet(string statement, List<string> words)
    {
        if (words[0].Equals("RESET", StringComparison.OrdinalIgnoreCase))
        {
            // RESET lasts for the session: replay's own settings (session_replication_role) must survive it.
            return words.Count > 1 ? $"SET LOCAL {words[1]} TO DEFAULT" : null;
        }
        if (words.Count > 1 && words[1].Equals("LOCAL", StringComparison.OrdinalIgnoreCase))
        {
            return statement;
        }
        if (words.Count > 2 && words[1].Equals("SESSION", StringComparison.OrdinalIgnoreCase))
        {
            return words[2].Equals("CHARACTERISTICS", StringComparison.OrdinalIgnoreCase) ? null
                : words[2].Equals("AUTHORIZATION", StringComparison.OrdinalIgnoreCase) ? SessionKeyword().Replace(statement, "SET LOCAL SESSION", 1)
                : SessionKeyword().Replace(statement, "SET LOCAL", 1);
        }
        return SetKeyword().Replace(statement, "SET LOCAL", 1);
    }

    // CREATE INDEX, DROP INDEX, DETACH PARTITION and REFRESH ... CONCURRENTLY: replay runs in a transaction, where they cannot.
    private static string WithoutConcurrently(string statement, List<string> words) =>
        words[0].Equals("REFRESH", StringComparison.OrdinalIgnoreCase) ? statement : Concurrently().Replace(statement, "", 1).Trim();

    private static string Head(string statement)
    {
        var flat = string.Join(' ', statement.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 80 ? flat : flat[..77] + "...";
    }

    private static int SkipQuoted(string text, int i, char quote, bool escapes)
    {
        for (i++; i < text.Length; i++)
        {
            if (escapes && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i++;
                }
                else
                {
                    return i + 1;
                }
            }
        }
        return text.Length;
    }

    private static int SkipBlockComment(string text, int i)
    {
        var depth = 0;
        while (i < text.Length)
        {
            if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }
        return text.Length;
    }

    // $$ or $tag$ (a tag does not start with a digit: $1 is a parameter).
    private static string? DollarTag(string text, int i)
    {
        var end = i + 1;
        if (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            return null;
        }
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }
        return end < text.Length && text[end] == '$' ? text[i..(end + 1)] : null;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    [GeneratedRegex(@"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|EXECUTE|PERFORM|CALL)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WritesRows();

    [GeneratedRegex(@"\bUSING\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UsingKeyword();

    [GeneratedRegex(@"\b([A-Za-z_][A-Za-z0-9_$]*)\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionCall();

    [GeneratedRegex(@"\bSELECT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SelectKeyword();

    [GeneratedRegex(@"\bEXISTS\s*\(\s*SELECT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExistsSelect();

    [GeneratedRegex(@"\s+CONCURRENTLY\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Concurrently();

    [GeneratedRegex(@"^\s*SET\s+SESSION", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SessionKeyword();

    [GeneratedRegex(@"^\s*SET", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SetKeyword();
}
