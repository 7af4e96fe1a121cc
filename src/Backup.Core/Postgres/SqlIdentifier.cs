namespace Backup.Core.Postgres;

/// <summary>
/// PostgreSQL identifiers in SQL text and in pg_dump patterns: quoting (always, so that case and
/// odd characters survive) and splitting <c>schema.table</c> as a user writes it.
/// </summary>
internal static class SqlIdentifier
{
    /// <summary><paramref name="identifier"/> in double quotes, with <c>""</c> for a quote inside.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes <c>schema.table</c> (or a bare table, taken as <c>public</c>) as a literal pg_dump pattern.</summary>
    public static string QuoteQualified(string table)
    {
        var (schema, name) = SplitQualified(table);
        return Quote(schema) + "." + Quote(name);
    }

    /// <summary>
    /// <c>schema.table</c> as written (no case folding), split at the first dot; a bare name is
    /// taken as <c>public</c>. A part in double quotes may hold dots (<c>"my.schema".table</c>),
    /// with <c>""</c> for a quote inside.
    /// </summary>
    public static (string Schema, string Table) SplitQualified(string table)
    {
        if (table.StartsWith('"'))
        {
            var close = ClosingQuote(table, 0);
            if (close > 0)
            {
                var first = Unquoted(table[..(close + 1)]);
                return close + 1 < table.Length && table[close + 1] == '.' ? (first, Unquoted(table[(close + 2)..])) : ("public", first);
            }
        }
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? ("public", table) : (table[..dot], Unquoted(table[(dot + 1)..]));
    }

    private static int ClosingQuote(string text, int open)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    i++;
                    continue;
                }
                return i;
            }
        }
        return -1;
    }

    private static string Unquoted(string part) =>
        part.Length >= 2 && part[0] == '"' && ClosingQuote(part, 0) == part.Length - 1 ? part[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : part;
}
