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
internal sealed record SchemaChange(
    string Json, string Tag, string Statement, string SearchPath, string Role, DateTimeOffset StatementTime,
    IReadOnlyList<(string Type, string Identity)> Objects, IReadOnlyDictionary<string, string> Shapes)
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
            return new SchemaChange(
                json,
                root.GetProperty("tag").GetString()!,
                root.GetProperty("query").GetString()!,
                root.GetProperty("searchPath").GetString()!,
                root.GetProperty("role").GetString()!,
                root.GetProperty("statementTime").GetDateTimeOffset(),
                objects,
                shapes);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new BackupIntegrityException($"A recorded schema change is not readable ({ex.Message}).", ex);
        }
    }

    /// <summary>Whether <paramref name="other"/> was fired by the same client query (one query may run several DDL commands).</summary>
    public bool SameQueryAs(SchemaChange? other) =>
        other is not null && other.Statement == Statement && other.StatementTime == StatementTime && other.Role == Role;
}
