using Backup.Core.Changes;
using Backup.Core.Replay;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Replay;

/// <summary>
/// Folding a run of changes into its net effect must leave a table exactly as replaying each
/// change in order would. Both are applied here to an in-memory table (id → columns a, b), the
/// net effect the way <see cref="SetApplier"/> applies it: deletes, then upserts, then updates
/// that keep unchanged TOASTed columns.
/// </summary>
public class NetTableChangesProperties
{
    private static readonly SegmentRelation Table = new(7, "public", "t", 'd', [new("id", 23, -1, IsKey: true), new("a", 25, -1, false), new("b", 25, -1, false)]);

    // Operation codes, interpreted against the table as it is at that point so that every change is
    // one the source could have made (a key move never carries unchanged TOAST: that does not fold).
    private static readonly Gen<(int Op, int Pick, int NewId, bool Toast, string Value)> Operations =
        from op in Gen.Choose(0, 3)
        from pick in Gen.Choose(0, 1000)
        from newId in Gen.Choose(1, 12)
        from toast in ArbMap.Default.GeneratorFor<bool>()
        from value in Gen.Elements("", "x", "long value", "tab\t", "NULL")
        select (op, pick, newId, toast, value);

    [Property(MaxTest = 300)]
    public Property NetEffect_OfAnyValidChanges_EqualsReplayingThemInOrder() =>
        Prop.ForAll(Gen.ListOf(Operations).ToArbitrary(), operations =>
        {
            var initial = Enumerable.Range(1, 5).ToDictionary(i => i, i => new[] { $"a{i}", $"b{i} (toasted)" });
            var changes = Changes(initial, operations);
            var net = new NetTableChanges(Table);
            var inOrder = Clone(initial);
            foreach (var change in changes)
            {
                net.Add(change);
                ApplyInOrder(inOrder, change);
            }
            var byNet = ApplyNet(Clone(initial), net);
            return changes.All(c => NetTableChanges.CanFold(c, Table)) && byNet is not null && Same(inOrder, byNet);
        });

    [Fact]
    public void CanFold_KeyMovedWithUnchangedToast_IsFalse()
    {
        var moved = new UpdateChange(7, [V("1"), ColumnValue.Null, ColumnValue.Null], [V("2"), V("a"), ColumnValue.UnchangedToast]);
        Assert.False(NetTableChanges.CanFold(moved, Table));
        Assert.True(NetTableChanges.CanFold(moved with { NewRow = [V("2"), V("a"), V("b")] }, Table));
    }

    [Fact]
    public void CanFold_UpdateOrDeleteWithoutAKey_IsFalse_InsertIsTrue()
    {
        var full = Table with { ReplicaIdentity = 'f' };
        Assert.False(NetTableChanges.CanFold(new DeleteChange(7, [V("1"), V("a"), V("b")]), full));
        Assert.False(NetTableChanges.CanFold(new UpdateChange(7, [V("1"), V("a"), V("b")], [V("1"), V("c"), V("b")]), full));
        Assert.True(NetTableChanges.CanFold(new InsertChange(7, [V("1"), V("a"), V("b")]), full));
    }

    [Fact]
    public void ManyUpdatesOfOneRow_FoldIntoOneWrite()
    {
        var net = new NetTableChanges(Table);
        for (var i = 0; i < 1000; i++)
        {
            net.Add(new UpdateChange(7, null, [V("1"), V(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ColumnValue.UnchangedToast]));
        }
        var row = Assert.Single(net.Rows);
        Assert.Equal(NetRowAction.UpdateKeeping, row.Action);
        Assert.Equal("999", row.Values[1].Text);
    }

    private static List<RowChange> Changes(Dictionary<int, string[]> initial, IEnumerable<(int Op, int Pick, int NewId, bool Toast, string Value)> operations)
    {
        var ids = initial.Keys.ToList();
        var changes = new List<RowChange>();
        foreach (var (op, pick, newId, toast, value) in operations)
        {
            var existing = ids.Count > 0 ? ids[pick % ids.Count] : (int?)null;
            switch (op)
            {
                case 0 when !ids.Contains(newId):
                    changes.Add(new InsertChange(7, [Id(newId), V(value), V(value + "!")]));
                    ids.Add(newId);
                    break;
                case 1 when existing is { } id:
                    changes.Add(new UpdateChange(7, null, [Id(id), V(value), toast ? ColumnValue.UnchangedToast : V(value + "?")]));
                    break;
                case 2 when existing is { } id && !ids.Contains(newId):
                    changes.Add(new UpdateChange(7, [Id(id), ColumnValue.Null, ColumnValue.Null], [Id(newId), V(value), V(value + "#")]));
                    ids.Remove(id);
                    ids.Add(newId);
                    break;
                case 3 when existing is { } id:
                    changes.Add(new DeleteChange(7, [Id(id), ColumnValue.Null, ColumnValue.Null]));
                    ids.Remove(id);
                    break;
            }
        }
        return changes;
    }

    private static void ApplyInOrder(Dictionary<int, string[]> table, RowChange change)
    {
        switch (change)
        {
            case InsertChange insert:
                table.Add(IdOf(insert.NewRow), [insert.NewRow[1].Text!, insert.NewRow[2].Text!]);
                break;
            case UpdateChange update:
                var old = IdOf(update.OldKey ?? update.NewRow);
                var row = table[old];
                table.Remove(old);
                table.Add(IdOf(update.NewRow), [Keep(update.NewRow[1], row[0]), Keep(update.NewRow[2], row[1])]);
                break;
            case DeleteChange delete:
                table.Remove(IdOf(delete.OldKey));
                break;
        }
    }

    // Deletes, then upserts, then keeping updates, which must each find their row (SetApplier checks the count).
    private static Dictionary<int, string[]>? ApplyNet(Dictionary<int, string[]> table, NetTableChanges net)
    {
        foreach (var row in net.Rows.Where(r => r.Action == NetRowAction.Delete))
        {
            table.Remove(IdOf(row.Values));
        }
        foreach (var row in net.Rows.Where(r => r.Action == NetRowAction.Upsert))
        {
            table[IdOf(row.Values)] = [row.Values[1].Text!, row.Values[2].Text!];
        }
        foreach (var row in net.Rows.Where(r => r.Action == NetRowAction.UpdateKeeping))
        {
            if (!table.TryGetValue(IdOf(row.Values), out var current))
            {
                return null;
            }
            table[IdOf(row.Values)] = [Keep(row.Values[1], current[0]), Keep(row.Values[2], current[1])];
        }
        return table;
    }

    private static string Keep(ColumnValue value, string current) => value.Kind == ColumnValueKind.UnchangedToast ? current : value.Text!;

    private static bool Same(Dictionary<int, string[]> left, Dictionary<int, string[]> right) =>
        left.Count == right.Count && left.All(kv => right.TryGetValue(kv.Key, out var other) && kv.Value.SequenceEqual(other));

    private static Dictionary<int, string[]> Clone(Dictionary<int, string[]> table) => table.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    private static int IdOf(IReadOnlyList<ColumnValue> row) => int.Parse(row[0].Text!, System.Globalization.CultureInfo.InvariantCulture);

    private static ColumnValue Id(int id) => V(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static ColumnValue V(string text) => ColumnValue.Of(text);
}
