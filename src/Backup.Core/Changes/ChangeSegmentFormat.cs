namespace Backup.Core.Changes;

/// <summary>
/// Layout of a change segment (the plain bytes, before compression and encryption), version 5:
/// the 8-byte magic <c>BKCHSEG5</c>, then records. Version 5 adds the schema-change record (inside
/// a transaction, at its place among the row changes; its payload is one string, the JSON the
/// event trigger emitted, see <see cref="SchemaChange"/>) and allows the source-boundary record of
/// version 4 (<c>BKCHSEG4</c>, written by compaction before version 5), an empty record between the
/// items of two merged segments, so replay can treat each part as the segment it was. Version 3
/// (<c>BKCHSEG3</c>) has neither. Versions 2 (<c>BKCHSEG2</c>, without partition
/// records) and 1 (<c>BKCHSEG1</c>, which also lacks the columns' type names in relation records)
/// are still read. A record is a type byte, a 4-byte little-endian
/// payload length, and the payload. Integers are little-endian; strings are a u32 byte length and
/// UTF-8 bytes; a tuple is a column count (u32) and per column a kind byte
/// (<see cref="ColumnValueKind"/>) followed, for text values, by the string. A relation record is
/// the OID, schema, name, replica identity byte, a column count (u32) and per column its name,
/// type OID, type modifier, key flag and (version 2) type name. A partition record (version 3) is
/// the partition's schema and name, its parent's schema and name, its bound and its partition key
/// (empty unless it is itself partitioned). The last record is the end
/// record, whose totals the reader checks, and nothing may follow it.
/// </summary>
internal static class ChangeSegmentFormat
{
    public static ReadOnlySpan<byte> Magic => "BKCHSEG5"u8;

    /// <summary>Version 3's magic: no schema-change and no source-boundary records.</summary>
    public static ReadOnlySpan<byte> MagicVersion3 => "BKCHSEG3"u8;

    /// <summary>Version 4's magic: version 3 plus source-boundary records (a compacted segment).</summary>
    public static ReadOnlySpan<byte> MagicVersion4 => "BKCHSEG4"u8;

    /// <summary>Version 2's magic: no partition records.</summary>
    public static ReadOnlySpan<byte> MagicVersion2 => "BKCHSEG2"u8;

    /// <summary>Version 1's magic: relation records without type names.</summary>
    public static ReadOnlySpan<byte> MagicVersion1 => "BKCHSEG1"u8;

    public const byte Relation = (byte)'R';
    public const byte Partition = (byte)'P';
    public const byte Begin = (byte)'B';
    public const byte Insert = (byte)'I';
    public const byte Update = (byte)'U';
    public const byte Delete = (byte)'D';
    public const byte Truncate = (byte)'T';
    public const byte Commit = (byte)'C';
    public const byte Sequence = (byte)'S';
    public const byte End = (byte)'E';
    public const byte SourceBoundary = (byte)'M';
    public const byte SchemaChange = (byte)'L';

    /// <summary>PostgreSQL's timestamps have microsecond precision; segments store microseconds since 1970.</summary>
    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    /// <summary>The largest record accepted: a row with several 1 GB-limit TOAST values is the extreme.</summary>
    public const int MaxRecordLength = int.MaxValue - 64;
}
