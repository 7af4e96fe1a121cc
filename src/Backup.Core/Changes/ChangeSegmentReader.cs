using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Backup.Core.Abstractions;
using Backup.Core.Streams;

namespace Backup.Core.Changes;

/// <summary>
/// Reads a change segment record by record, in bounded memory (one record at a time). Anything
/// malformed, a missing end record, totals that do not match, or bytes after the end raise
/// <see cref="BackupIntegrityException"/>.
/// </summary>
internal sealed class ChangeSegmentReader(Stream source)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private byte[] _record = new byte[4096];

    /// <summary>Every item of the segment, the end record last.</summary>
    public async IAsyncEnumerable<SegmentItem> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var magic = new byte[ChangeSegmentFormat.Magic.Length];
        var version = await StreamReading.ReadFullyAsync(source, magic, cancellationToken).ConfigureAwait(false) != magic.Length ? 0
            : magic.AsSpan().SequenceEqual(ChangeSegmentFormat.Magic) ? 5
            : magic.AsSpan().SequenceEqual(ChangeSegmentFormat.MagicVersion4) ? 4
            : magic.AsSpan().SequenceEqual(ChangeSegmentFormat.MagicVersion3) ? 3
            : magic.AsSpan().SequenceEqual(ChangeSegmentFormat.MagicVersion2) ? 2
            : magic.AsSpan().SequenceEqual(ChangeSegmentFormat.MagicVersion1) ? 1 : 0;
        if (version == 0)
        {
            throw Damaged("it does not start with the change-segment magic (not a change segment, or a version newer than this library reads: upgrade it)");
        }
        var header = new byte[5];
        long transactions = 0, changes = 0;
        var inTransaction = false;
        while (true)
        {
            var read = await StreamReading.ReadFullyAsync(source, header, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw Damaged("it ends without its end record (truncated)");
            }
            if (read < header.Length)
            {
                throw Damaged("it ends inside a record header (truncated)");
            }
            var type = header[0];
            var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
            if (length is < 0 or > ChangeSegmentFormat.MaxRecordLength)
            {
                throw Damaged($"a record claims {length} bytes");
            }
            if (_record.Length < length)
            {
                _record = new byte[Math.Max(length, _record.Length * 2)];
            }
            if (await StreamReading.ReadFullyAsync(source, _record.AsMemory(0, length), cancellationToken).ConfigureAwait(false) < length)
            {
                throw Damaged("it ends inside a record (truncated)");
            }
            var item = Parse(type, new PayloadReader(_record.AsSpan(0, length)), version);
            switch (item)
            {
                case BeginItem when inTransaction:
                case ChangeItem or CommitItem or SchemaChangeItem when !inTransaction:
                case SequenceItem or EndItem or PartitionItem or SourceBoundaryItem when inTransaction:
                    throw Damaged($"a {item.GetType().Name} record is out of place");
                case BeginItem:
                    inTransaction = true;
                    break;
                case ChangeItem:
                    changes++;
                    break;
                case CommitItem:
                    inTransaction = false;
                    transactions++;
                    break;
                case EndItem end:
                    if (end.Transactions != transactions || end.Changes != changes)
                    {
                        throw Damaged($"its end record counts {end.Transactions} transactions and {end.Changes} changes, but it holds {transactions} and {changes}");
                    }
                    if (await source.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
                    {
                        throw Damaged("bytes follow its end record");
                    }
                    yield return end;
                    yield break;
            }
            yield return item;
        }
    }

    private static SegmentItem Parse(byte type, PayloadReader r, int version)
    {
        try
        {
            SegmentItem item = type switch
            {
                ChangeSegmentFormat.Relation => new RelationItem(ReadRelation(ref r, typeNames: version >= 2)),
                ChangeSegmentFormat.Partition when version >= 3 => new PartitionItem(new SegmentPartition(r.String(), r.String(), r.String(), r.String(), r.String(), r.String())),
                ChangeSegmentFormat.SourceBoundary when version >= 4 => SourceBoundaryItem.Instance,
                ChangeSegmentFormat.SchemaChange when version >= 5 => new SchemaChangeItem(SchemaChange.Parse(r.String())),
                ChangeSegmentFormat.Begin => new BeginItem(r.UInt32(), r.UInt64(), ChangeSegmentFormat.FromMicroseconds(r.Int64())),
                ChangeSegmentFormat.Insert => new ChangeItem(new InsertChange(r.UInt32(), ReadTuple(ref r))),
                ChangeSegmentFormat.Update => new ChangeItem(ReadUpdate(ref r)),
                ChangeSegmentFormat.Delete => new ChangeItem(new DeleteChange(r.UInt32(), ReadTuple(ref r))),
                ChangeSegmentFormat.Truncate => new ChangeItem(ReadTruncate(ref r)),
                ChangeSegmentFormat.Commit => new CommitItem(r.UInt32(), r.UInt64()),
                ChangeSegmentFormat.Sequence => new SequenceItem(r.String(), r.String(), r.Int64(), r.Byte() != 0),
                ChangeSegmentFormat.End => new EndItem(r.Int64(), r.Int64(), r.UInt64()),
                _ => throw Damaged($"it has a record of unknown type 0x{type:X2}"),
            };
            if (!r.AtEnd)
            {
                throw Damaged($"a '{(char)type}' record is longer than its content");
            }
            return item;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or DecoderFallbackException or FormatException)
        {
            throw Damaged($"a '{(char)type}' record is malformed ({ex.Message})");
        }
    }

    private static SegmentRelation ReadRelation(ref PayloadReader r, bool typeNames)
    {
        var oid = r.UInt32();
        var schema = r.String();
        var name = r.String();
        var identity = (char)r.Byte();
        var count = r.Count();
        var columns = new SegmentColumn[count];
        for (var i = 0; i < count; i++)
        {
            columns[i] = new SegmentColumn(r.String(), r.UInt32(), r.Int32(), r.Byte() != 0, typeNames ? r.String() : "");
        }
        return new SegmentRelation(oid, schema, name, identity, columns);
    }

    private static UpdateChange ReadUpdate(ref PayloadReader r)
    {
        var oid = r.UInt32();
        var oldKey = r.Byte() != 0 ? ReadTuple(ref r) : null;
        return new UpdateChange(oid, oldKey, ReadTuple(ref r));
    }

    private static TruncateChange ReadTruncate(ref PayloadReader r)
    {
        var flags = r.Byte();
        var count = r.Count();
        var oids = new uint[count];
        for (var i = 0; i < count; i++)
        {
            oids[i] = r.UInt32();
        }
        return new TruncateChange(oids, (flags & 1) != 0, (flags & 2) != 0);
    }

    private static ColumnValue[] ReadTuple(ref PayloadReader r)
    {
        var count = r.Count();
        var values = new ColumnValue[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (ColumnValueKind)r.Byte() switch
            {
                ColumnValueKind.Null => ColumnValue.Null,
                ColumnValueKind.UnchangedToast => ColumnValue.UnchangedToast,
                ColumnValueKind.Text => ColumnValue.Of(r.String()),
                var other => throw new FormatException($"unknown value kind 0x{(byte)other:X2}"),
            };
        }
        return values;
    }

    private static BackupIntegrityException Damaged(string why) => new($"The change segment is not intact: {why}.");

    // Reads the payload of one record; running past its end throws ArgumentOutOfRangeException.
    private ref struct PayloadReader(ReadOnlySpan<byte> payload)
    {
        private readonly ReadOnlySpan<byte> _payload = payload;
        private int _position;

        public readonly bool AtEnd => _position == _payload.Length;

        public byte Byte() => Take(1)[0];

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        // A count can never exceed the bytes left: this stops a damaged count from allocating gigabytes.
        public int Count()
        {
            var count = UInt32();
            return count <= (uint)(_payload.Length - _position) ? (int)count : throw new FormatException($"a count of {count} exceeds the record");
        }

        public string String() => StrictUtf8.GetString(Take(Count()));

        private ReadOnlySpan<byte> Take(int count)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _payload.Length - _position);
            var span = _payload.Slice(_position, count);
            _position += count;
            return span;
        }
    }
}
