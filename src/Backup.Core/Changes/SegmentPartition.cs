namespace Backup.Core.Changes;

/// <summary>
/// A partition created on the source after the chain's full backup, of a partitioned table the
/// chain knows: what replay needs to create it (<c>CREATE TABLE … PARTITION OF parent bound</c>)
/// before rows land in it. Its columns are its parent's, so it needs no other definition.
/// </summary>
/// <param name="Schema">The partition's schema.</param>
/// <param name="Name">The partition's name.</param>
/// <param name="ParentSchema">Its parent's schema.</param>
/// <param name="ParentName">Its parent's name.</param>
/// <param name="Bound">Its bound as the source's <c>pg_get_expr(relpartbound)</c> spells it, e.g. <c>FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00')</c> or <c>DEFAULT</c>.</param>
/// <param name="PartitionBy">For a partition that is itself partitioned, its key as <c>pg_get_partkeydef</c> spells it (e.g. <c>RANGE (payment_date)</c>); empty otherwise.</param>
internal sealed record SegmentPartition(string Schema, string Name, string ParentSchema, string ParentName, string Bound, string PartitionBy = "");
