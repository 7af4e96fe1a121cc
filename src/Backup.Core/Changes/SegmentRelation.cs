namespace Backup.Core.Changes;

/// <summary>
/// A table as the change stream described it: enough to replay its changes on another server
/// without asking the source (a segment is self-describing).
/// </summary>
/// <param name="Oid">The table's OID on the source, which changes refer to.</param>
/// <param name="Schema">Its schema.</param>
/// <param name="Name">Its name.</param>
/// <param name="ReplicaIdentity"><c>d</c> default (primary key), <c>f</c> full, <c>i</c> index, <c>n</c> nothing.</param>
/// <param name="Columns">Its columns, in the order tuples list their values.</param>
internal sealed record SegmentRelation(uint Oid, string Schema, string Name, char ReplicaIdentity, IReadOnlyList<SegmentColumn> Columns)
{
    /// <inheritdoc />
    public bool Equals(SegmentRelation? other) =>
        other is not null && Oid == other.Oid && Schema == other.Schema && Name == other.Name && ReplicaIdentity == other.ReplicaIdentity && Columns.SequenceEqual(other.Columns);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Oid, Schema, Name);
}

/// <summary>A column of a <see cref="SegmentRelation"/>.</summary>
/// <param name="Name">Its name.</param>
/// <param name="TypeOid">Its type's OID.</param>
/// <param name="TypeModifier">Its type modifier (e.g. numeric precision), -1 when none.</param>
/// <param name="IsKey">Whether it is part of the replica identity.</param>
/// <param name="TypeName">Its type as the source's <c>format_type</c> spells it (e.g. <c>numeric(12,2)</c>, <c>public.mood</c>), for people and tools reading a segment without the source; empty in version 1 segments.</param>
internal sealed record SegmentColumn(string Name, uint TypeOid, int TypeModifier, bool IsKey, string TypeName = "");
