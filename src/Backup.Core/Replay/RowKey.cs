using System.Globalization;
using System.Text;
using Backup.Core.Changes;

namespace Backup.Core.Replay;

/// <summary>
/// A row's replica-identity key as one comparable string: each key column's kind and length-prefixed
/// text, so that no two different keys (NULL vs empty, "a|b" vs "a","b") encode alike.
/// </summary>
internal static class RowKey
{
    public static string Of(SegmentRelationKey key, IReadOnlyList<ColumnValue> row)
    {
        var text = new StringBuilder();
        foreach (var index in key.Columns)
        {
            var value = row[index];
            text.Append((char)value.Kind);
            if (value.Kind == ColumnValueKind.Text)
            {
                text.Append(value.Text!.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value.Text);
            }
        }
        return text.ToString();
    }
}

/// <summary>The positions of a relation's replica-identity columns; empty when rows have no usable key.</summary>
internal sealed record SegmentRelationKey(IReadOnlyList<int> Columns)
{
    public static SegmentRelationKey For(SegmentRelation relation) =>
        // REPLICA IDENTITY FULL or NOTHING gives no key a row can be found by in one index probe.
        new(relation.ReplicaIdentity is 'd' or 'i'
            ? relation.Columns.Select((c, i) => (c, i)).Where(x => x.c.IsKey).Select(x => x.i).ToList()
            : []);

    public bool Exists => Columns.Count > 0;

    /// <summary>Whether <see cref="For"/> would find key columns, without building the list (checked for every change replayed).</summary>
    public static bool ExistsFor(SegmentRelation relation)
    {
        if (relation.ReplicaIdentity is not ('d' or 'i'))
        {
            return false;
        }
        for (var i = 0; i < relation.Columns.Count; i++)
        {
            if (relation.Columns[i].IsKey)
            {
                return true;
            }
        }
        return false;
    }
}
