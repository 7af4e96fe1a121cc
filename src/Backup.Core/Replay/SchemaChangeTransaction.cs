using Backup.Core.Changes;

namespace Backup.Core.Replay;

/// <summary>
/// A source transaction that changed the schema, as replay buffers it: its row changes and schema
/// changes in their order. Each run of row changes keeps the relation descriptions it was written
/// with, because the schema changes between runs reshape the tables.
/// </summary>
internal sealed class SchemaChangeTransaction
{
    private readonly List<object> _steps = [];

    /// <summary>Row changes and schema changes, in order: <see cref="ChangeRun"/> or <see cref="SchemaChange"/>.</summary>
    public IReadOnlyList<object> Steps => _steps;

    /// <summary>Row changes in the transaction.</summary>
    public int Changes { get; private set; }

    /// <summary>
    /// Adds the row changes so far (<paramref name="pending"/>, described by <paramref name="relations"/>) and then
    /// <paramref name="change"/>. Returns the row changes that belong after it: the rows a CREATE TABLE AS
    /// put into its new table, which the stream sends before the statement's own message.
    /// </summary>
    public List<RowChange> Add(List<RowChange> pending, IReadOnlyDictionary<uint, SegmentRelation> relations, SchemaChange change)
    {
        var after = 0;
        if (CreatesFilledTable(change))
        {
            while (after < pending.Count && pending[pending.Count - 1 - after] is InsertChange insert
                   && relations.TryGetValue(insert.RelationOid, out var relation) && change.Shapes.ContainsKey($"{relation.Schema}.{relation.Name}"))
            {
                after++;
            }
        }
        AddRun(pending.GetRange(0, pending.Count - after), relations);
        _steps.Add(change);
        return pending.GetRange(pending.Count - after, after);
    }

    /// <summary>Adds the row changes after the last schema change.</summary>
    public void Close(List<RowChange> pending, IReadOnlyDictionary<uint, SegmentRelation> relations) => AddRun(pending, relations);

    /// <summary>Whether <paramref name="change"/> creates a table with rows (which replay empties: the stream holds them).</summary>
    public static bool CreatesFilledTable(SchemaChange change) => change.Tag is "CREATE TABLE AS" or "SELECT INTO";

    private void AddRun(List<RowChange> changes, IReadOnlyDictionary<uint, SegmentRelation> relations)
    {
        if (changes.Count > 0)
        {
            _steps.Add(new ChangeRun(changes, new Dictionary<uint, SegmentRelation>(relations)));
            Changes += changes.Count;
        }
    }
}

/// <summary>Row changes of a <see cref="SchemaChangeTransaction"/> between two schema changes, with the descriptions they were written with.</summary>
internal sealed record ChangeRun(IReadOnlyList<RowChange> Changes, IReadOnlyDictionary<uint, SegmentRelation> Relations);
