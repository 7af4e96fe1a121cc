namespace Backup.Core.Changes;

/// <summary>One row-level change inside a transaction, referring to a relation by OID.</summary>
internal abstract record RowChange(uint RelationOid);

/// <summary>A new row.</summary>
internal sealed record InsertChange(uint RelationOid, IReadOnlyList<ColumnValue> NewRow) : RowChange(RelationOid)
{
    /// <inheritdoc />
    public bool Equals(InsertChange? other) => other is not null && RelationOid == other.RelationOid && NewRow.SequenceEqual(other.NewRow);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RelationOid, NewRow.Count);
}

/// <summary>
/// A changed row: its new values, and its old key (or, with REPLICA IDENTITY FULL, its whole old
/// row) when the key changed or the identity is full; otherwise the new row's key finds it.
/// </summary>
internal sealed record UpdateChange(uint RelationOid, IReadOnlyList<ColumnValue>? OldKey, IReadOnlyList<ColumnValue> NewRow) : RowChange(RelationOid)
{
    /// <inheritdoc />
    public bool Equals(UpdateChange? other) =>
        other is not null && RelationOid == other.RelationOid && NewRow.SequenceEqual(other.NewRow)
        && (OldKey is null ? other.OldKey is null : other.OldKey is not null && OldKey.SequenceEqual(other.OldKey));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RelationOid, NewRow.Count);
}

/// <summary>A removed row, identified by its key (or whole old row with REPLICA IDENTITY FULL).</summary>
internal sealed record DeleteChange(uint RelationOid, IReadOnlyList<ColumnValue> OldKey) : RowChange(RelationOid)
{
    /// <inheritdoc />
    public bool Equals(DeleteChange? other) => other is not null && RelationOid == other.RelationOid && OldKey.SequenceEqual(other.OldKey);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RelationOid, OldKey.Count);
}

/// <summary>TRUNCATE of one or more tables (<see cref="RowChange.RelationOid"/> is the first).</summary>
internal sealed record TruncateChange(IReadOnlyList<uint> RelationOids, bool Cascade, bool RestartIdentity) : RowChange(RelationOids.Count > 0 ? RelationOids[0] : 0)
{
    /// <inheritdoc />
    public bool Equals(TruncateChange? other) =>
        other is not null && RelationOids.SequenceEqual(other.RelationOids) && Cascade == other.Cascade && RestartIdentity == other.RestartIdentity;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RelationOids.Count, Cascade, RestartIdentity);
}
