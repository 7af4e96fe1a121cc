using System.Text.RegularExpressions;
using Backup.Core.Abstractions;
using Backup.Core.Changes;

namespace Backup.Core.Replay;

/// <summary>
/// The tables a replay restores (<c>schema.table</c>, as the stream names them), for a restore of
/// chosen tables: row changes of other tables are skipped; a schema change is applied when every
/// table it reshapes is chosen, skipped when none is (or it reshapes no table: an index, a
/// function, a view), and refused when it reshapes both — replaying it would need a table that is
/// not there, and skipping it would leave a chosen table in the wrong shape. Partitions created
/// during the chain under a chosen table are chosen too. A rename or move (RENAME, SET SCHEMA)
/// that names a chosen table or its schema is refused: the change names tables by their new
/// names only, so following it is guesswork, and skipping it would silently stop the table's replay.
/// </summary>
internal sealed partial class ReplayTableFilter(IEnumerable<string> tables)
{
    private readonly HashSet<string> _tables = new(tables, StringComparer.Ordinal);

    /// <summary>The tables chosen so far (partitions created under them included).</summary>
    public IReadOnlySet<string> Tables => _tables;

    /// <summary>Notes a partition the source created: chosen when its parent is.</summary>
    public bool Keeps(SegmentPartition partition)
    {
        if (!_tables.Contains($"{partition.ParentSchema}.{partition.ParentName}"))
        {
            return false;
        }
        _tables.Add($"{partition.Schema}.{partition.Name}");
        return true;
    }

    /// <summary>The change restricted to the chosen tables; null when it touches none.</summary>
    public RowChange? Filter(RowChange change, IReadOnlyDictionary<uint, SegmentRelation> relations)
    {
        if (change is TruncateChange truncate)
        {
            var kept = truncate.RelationOids.Where(o => relations.TryGetValue(o, out var r) && Chosen(r)).ToList();
            return kept.Count == 0 ? null : kept.Count == truncate.RelationOids.Count ? change : new TruncateChange(kept, truncate.Cascade, truncate.RestartIdentity);
        }
        return relations.TryGetValue(change.RelationOid, out var relation) && Chosen(relation) ? change : null;
    }

    /// <summary>Whether <paramref name="change"/> is applied.</summary>
    /// <exception cref="BackupException">It reshapes chosen tables and others.</exception>
    public bool Keeps(SchemaChange change, DateTimeOffset committedAt)
    {
        var touched = change.Shapes.Keys.ToList();
        var chosen = touched.Where(_tables.Contains).ToList();
        if (chosen.Count == 0)
        {
            if (RenamedChosen(change) is { } renamed)
            {
                throw new BackupException(
                    $"The schema change '{change.Redacted}' committed at {committedAt:u} renames or moves tables ({string.Join(", ", touched)}) and names the chosen table {renamed}: "
                    + "a table restore does not follow a chosen table to a new name or schema. Choose a moment before it, or restore the whole database (point-in-time recovery).");
            }
            return false;
        }
        if (chosen.Count < touched.Count)
        {
            throw new BackupException(
                $"The schema change '{change.Redacted}' committed at {committedAt:u} changed chosen tables ({string.Join(", ", chosen)}) and others ({string.Join(", ", touched.Except(chosen))}): "
                + "it cannot be replayed on the chosen tables alone. Restore the others too, or choose a moment before it.");
        }
        return true;
    }

    // Which chosen table (or the schema of one) a rename or move may have renamed: the new names are
    // all the change records, so a mention of the old name in the statement is the only trace.
    // Broad on purpose: a refusal of an unrelated rename is a nuisance, a missed one a wrong copy.
    private string? RenamedChosen(SchemaChange change)
    {
        if (!Renames().IsMatch(change.Statement))
        {
            return null;
        }
        return _tables.Order(StringComparer.Ordinal).FirstOrDefault(t =>
        {
            // As the stream names them: schema.table, unquoted.
            var dot = t.IndexOf('.', StringComparison.Ordinal);
            var (schema, table) = (t[..dot], t[(dot + 1)..]);
            return Mentions(change.Statement, table) || (change.Tag.StartsWith("ALTER SCHEMA", StringComparison.OrdinalIgnoreCase) && Mentions(change.Statement, schema));
        });
    }

    private static bool Mentions(string statement, string name) =>
        Regex.IsMatch(statement, $"(?<![A-Za-z0-9_$]){Regex.Escape(name)}(?![A-Za-z0-9_$])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\bRENAME\b|\bSET\s+SCHEMA\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Renames();

    private bool Chosen(SegmentRelation relation) => _tables.Contains($"{relation.Schema}.{relation.Name}");
}
