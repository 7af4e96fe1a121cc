using Backup.Core.Changes;

namespace Backup.Core.Replay;

/// <summary>What replay must do to one row of a table, once a group of transactions is folded together.</summary>
internal enum NetRowAction
{
    /// <summary>The row is gone at the end of the group.</summary>
    Delete,

    /// <summary>The row exists at the end with these values (insert it, or overwrite the one with its key).</summary>
    Upsert,

    /// <summary>An existing row's new values, some of them unchanged TOAST: those columns keep what the row has.</summary>
    UpdateKeeping,
}

/// <summary>One row's net effect.</summary>
internal readonly record struct NetRow(NetRowAction Action, IReadOnlyList<ColumnValue> Values);

/// <summary>
/// The net effect of consecutive whole transactions on one table: per replica-identity key, the
/// row's final state. Replaying the net effect gives the same table as replaying every change in
/// order (a property test holds it to that), while touching each row once: a hot row updated by a
/// thousand transactions is written once. Tables without a key can only take inserts, kept in order.
/// With <paramref name="upsertInserts"/> (timestamp-mode segments) an insert may meet an existing row and replaces it.
/// </summary>
internal sealed class NetTableChanges(SegmentRelation relation, bool upsertInserts = false)
{
    private readonly Dictionary<string, NetRow> _rows = [];
    private readonly List<IReadOnlyList<ColumnValue>> _appended = [];

    public SegmentRelation Relation { get; } = relation;

    public SegmentRelationKey Key { get; } = SegmentRelationKey.For(relation);

    /// <summary>True while the group only inserted rows here: they can be copied straight into the table.</summary>
    public bool InsertsOnly { get; private set; } = true;

    /// <summary>The rows to write, in first-touched order (inserts in order for a table without a key).</summary>
    public IEnumerable<NetRow> Rows => Key.Exists ? _rows.Values : _appended.Select(r => new NetRow(NetRowAction.Upsert, r));

    /// <summary>How many rows the net effect touches.</summary>
    public int Count => Key.Exists ? _rows.Count : _appended.Count;

    /// <summary>Whether <paramref name="change"/> can be folded into a net effect (otherwise it is replayed statement by statement).</summary>
    public static bool CanFold(RowChange change, SegmentRelation relation)
    {
        return change switch
        {
            InsertChange => true,
            // Without a key, which of several equal rows changes is not a set operation.
            DeleteChange => SegmentRelationKey.ExistsFor(relation),
            // A moved key with an unchanged TOASTed column would need the old row's value, which the net effect may have deleted.
            UpdateChange update => SegmentRelationKey.ExistsFor(relation) && (update.OldKey is null || !update.NewRow.Any(v => v.Kind == ColumnValueKind.UnchangedToast)),
            _ => false,
        };
    }

    public void Add(RowChange change)
    {
        if (!Key.Exists)
        {
            _appended.Add(((InsertChange)change).NewRow);
            return;
        }
        switch (change)
        {
            case InsertChange insert:
                var key = RowKey.Of(Key, insert.NewRow);
                InsertsOnly &= !upsertInserts && !_rows.ContainsKey(key);
                _rows[key] = new NetRow(NetRowAction.Upsert, insert.NewRow);
                break;
            case UpdateChange update:
                InsertsOnly = false;
                var oldKey = RowKey.Of(Key, update.OldKey ?? update.NewRow);
                var newKey = RowKey.Of(Key, update.NewRow);
                var values = FillUnchanged(update.NewRow, _rows.TryGetValue(oldKey, out var before) ? before : null);
                if (oldKey != newKey)
                {
                    _rows[oldKey] = new NetRow(NetRowAction.Delete, update.OldKey!);
                }
                var keeping = values.Any(v => v.Kind == ColumnValueKind.UnchangedToast);
                _rows[newKey] = new NetRow(keeping ? NetRowAction.UpdateKeeping : NetRowAction.Upsert, values);
                break;
            case DeleteChange delete:
                InsertsOnly = false;
                _rows[RowKey.Of(Key, delete.OldKey)] = new NetRow(NetRowAction.Delete, delete.OldKey);
                break;
            default:
                throw new InvalidOperationException($"A {change.GetType().Name} cannot be folded into a net effect.");
        }
    }

    // An unchanged TOASTed column takes the value the group already gave the row, when it gave one.
    private static IReadOnlyList<ColumnValue> FillUnchanged(IReadOnlyList<ColumnValue> row, NetRow? before)
    {
        if (before is not { Action: NetRowAction.Upsert or NetRowAction.UpdateKeeping } earlier || !row.Any(v => v.Kind == ColumnValueKind.UnchangedToast))
        {
            return row;
        }
        var filled = new ColumnValue[row.Count];
        for (var i = 0; i < row.Count; i++)
        {
            filled[i] = row[i].Kind == ColumnValueKind.UnchangedToast ? earlier.Values[i] : row[i];
        }
        return filled;
    }
}
