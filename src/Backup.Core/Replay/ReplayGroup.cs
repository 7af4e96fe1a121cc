namespace Backup.Core.Replay;

/// <summary>
/// Consecutive whole transactions applied together in one target transaction, as their net effect
/// per table. The transactions stay buffered so that a group the set-based path cannot apply (a
/// constraint it trips by reordering, say) is replayed again one statement at a time. With
/// <paramref name="upsertInserts"/>, inserts replace rows with their key (timestamp-mode segments).
/// </summary>
internal sealed class ReplayGroup(bool upsertInserts)
{
    private readonly Dictionary<uint, NetTableChanges> _tables = [];

    public List<ReplayTransaction> Transactions { get; } = [];

    public long Changes { get; private set; }

    /// <summary>The tables touched, in the order the group first touched them.</summary>
    public IEnumerable<NetTableChanges> Tables => _tables.Values;

    public void Add(ReplayTransaction transaction)
    {
        foreach (var change in transaction.Changes)
        {
            if (!_tables.TryGetValue(change.RelationOid, out var table))
            {
                _tables[change.RelationOid] = table = new NetTableChanges(transaction.Relations[change.RelationOid], upsertInserts);
            }
            table.Add(change);
        }
        Transactions.Add(transaction);
        Changes += transaction.Changes.Count;
    }

    /// <summary>Whether the group already described <paramref name="relation"/>'s table (same OID) differently.</summary>
    public bool DescribesOtherwise(Changes.SegmentRelation relation) =>
        _tables.TryGetValue(relation.Oid, out var table) && !table.Relation.Equals(relation);

    public void Clear()
    {
        _tables.Clear();
        Transactions.Clear();
        Changes = 0;
    }
}
