using Backup.Core.Changes;

namespace Backup.Core.Replay;

/// <summary>One source transaction as replay buffers it: its commit time and changes, with the relations they refer to.</summary>
internal sealed record ReplayTransaction(DateTimeOffset CommitTime, IReadOnlyList<RowChange> Changes, IReadOnlyDictionary<uint, SegmentRelation> Relations)
{
    /// <summary>Whether every change can be folded into a net effect.</summary>
    public bool CanFold => Changes.All(c => c is not TruncateChange && NetTableChanges.CanFold(c, Relations[c.RelationOid]));
}
