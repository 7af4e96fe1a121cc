namespace Backup.Core.Postgres;

/// <summary>Names of the archive close to one that matched no table, for the error message: a typo, another schema, another case, a view.</summary>
internal static class TableNameSuggestions
{
    /// <summary>A hint for the message ("did you mean ...?"), or "" when nothing is close.</summary>
    public static string For((string Schema, string Name) wanted, IEnumerable<(string Type, string Schema, string Name)> relations)
    {
        var list = relations.ToList();
        // Naming a view or a sequence is not a typo: say what it is.
        if (list.FirstOrDefault(r => r.Schema == wanted.Schema && r.Name == wanted.Name) is { Type: not null } other)
        {
            return $"it is a {other.Type.ToLowerInvariant()}; only tables can be chosen";
        }
        var close = list.Where(r => r.Type == "TABLE")
            .Select(r => (Relation: r, Distance: Distance($"{wanted.Schema}.{wanted.Name}".ToLowerInvariant(), $"{r.Schema}.{r.Name}".ToLowerInvariant())))
            .Where(c => c.Distance <= 2 || string.Equals(c.Relation.Name, wanted.Name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Distance)
            .Select(c => $"{c.Relation.Schema}.{c.Relation.Name}")
            .Distinct()
            .Take(3)
            .ToList();
        return close.Count == 0 ? "" : $"did you mean {string.Join(" or ", close)}?";
    }

    // Levenshtein distance, small strings only.
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
