using System.Text.Json;
using Backup.Core.Abstractions;

namespace Backup.Core.Changes;

/// <summary>
/// A schema change as the event trigger recorded it on the source (see Postgres/DdlCapture): the
/// statement text the client sent (which may hold several statements), the command tag of the one
/// that fired, and what is needed to run it again the same way. Stored in segments as the
/// trigger's JSON, unchanged, so that fields a later version adds survive compaction.
/// </summary>
/// <param name="Json">The trigger's message.</param>
/// <param name="Tag">The command tag, e.g. <c>ALTER TABLE</c>, <c>CREATE TABLE AS</c>.</param>
/// <param name="Statement">The text of the client's query (<c>current_query()</c>).</param>
/// <param name="SearchPath">The search_path it ran with.</param>
/// <param name="Role">The role it ran as (<c>current_user</c>).</param>
/// <param name="StatementTime">When the client's query started: with the text, what tells the messages of one query apart from the next.</param>
/// <param name="Objects">What it created or altered: object type and qualified identity.</param>
/// <param name="Shapes">The new shapes of the tables it touched (<c>schema.table</c> -> <c>col:oid,...</c>).</param>
/// <param name="Rewrite">When it rewrote a table to compute values (<c>table_rewrite</c> reasons 2, a default per row, or 4, a column recomputed): the reason and the table, e.g. <c>2 public.orders</c>; empty otherwise.</param>
/// <param name="MissingValues">Per table it touched, the value each column added with a default holds in the rows that existed before it (PostgreSQL's <c>attmissingval</c>, as text).</param>
internal sealed partial record SchemaChange(
    string Json, string Tag, string Statement, string SearchPath, string Role, DateTimeOffset StatementTime,
    IReadOnlyList<(string Type, string Identity)> Objects, IReadOnlyDictionary<string, string> Shapes,
    IReadOnlyList<MissingValues> MissingValues, string Rewrite)
{
    /// <summary>Reads the trigger's message.</summary>
    /// <exception cref="BackupIntegrityException">It is not the message the trigger writes.</exception>
    public static SchemaChange Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var objects = root.GetProperty("objects").EnumerateArray()
                .Select(o => (o.GetProperty("type").GetString()!, o.GetProperty("identity").GetString()!)).ToList();
            var shapes = root.GetProperty("shapes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            // Absent in messages of the first trigger version.
            var missing = root.TryGetProperty("missing", out var m)
                ? m.EnumerateArray().Select(t => new MissingValues(
                    t.GetProperty("schema").GetString()!, t.GetProperty("table").GetString()!,
                    t.GetProperty("columns").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetString(), StringComparer.Ordinal))).ToList()
                : [];
            return new SchemaChange(
                json,
                root.GetProperty("tag").GetString()!,
                root.GetProperty("query").GetString()!,
                root.GetProperty("searchPath").GetString()!,
                root.GetProperty("role").GetString()!,
                root.GetProperty("statementTime").GetDateTimeOffset(),
                objects,
                shapes,
                missing,
                root.TryGetProperty("rewrite", out var rewrite) ? rewrite.GetString() ?? "" : "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new BackupIntegrityException($"A recorded schema change is not readable ({ex.Message}).", ex);
        }
    }

    /// <summary>The statement for logs and messages, with string literals after PASSWORD (or a secret-looking option) masked.</summary>
    public string Redacted => SecretLiteral().Replace(Statement, "$1$2'***'");

    /// <summary>Whether <paramref name="other"/> was fired by the same client query (one query may run several DDL commands).</summary>
    public bool SameQueryAs(SchemaChange? other) =>
        other is not null && other.Statement == Statement && other.StatementTime == StatementTime && other.Role == Role;

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)\b(password|secret|token|key)(\s*=?\s*)'(?:[^']|'')*'", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SecretLiteral();
}

/// <summary>The values columns added with a default hold in a table's rows that existed before them.</summary>
internal sealed record MissingValues(string Schema, string Table, IReadOnlyDictionary<string, string?> Columns);
