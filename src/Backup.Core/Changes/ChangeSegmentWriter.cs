using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Backup.Core.Changes;

/// <summary>
/// Writes a change segment to a stream, record by record, buffering up to about 1 MiB before each
/// asynchronous write, so that a transaction of any size streams in bounded memory.
/// </summary>
internal sealed class ChangeSegmentWriter
{
    private const int FlushThreshold = 1 << 20;
    private readonly Stream _destination;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold + 4096);
    private readonly ArrayBufferWriter<byte> _record = new(4096);
    private long _transactions;
    private long _changes;
    private bool _inTransaction;
    private bool _completed;
    private readonly Dictionary<string, string> _schemaShapes = new(StringComparer.Ordinal);
    private readonly bool _marksSources;

    /// <summary>Starts a segment on <paramref name="destination"/>.</summary>
    /// <param name="destination">Where the segment is written.</param>
    /// <param name="marksSources">
    /// A compacted segment, which may hold <see cref="SourceBoundaryItem"/>. Every segment is
    /// written as version 5 (schema changes may come in any transaction, after the header is
    /// written); libraries older than version 5 refuse it by its magic instead of misreading it.
    /// </param>
    public ChangeSegmentWriter(Stream destination, bool marksSources = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _marksSources = marksSources;
        _buffer.Write(ChangeSegmentFormat.Magic);
    }

    /// <summary>Transactions written so far.</summary>
    public long Transactions => _transactions;

    /// <summary>Row changes written so far.</summary>
    public long Changes => _changes;

    /// <summary>The shapes the schema changes written so far left their tables in (the last one's per table).</summary>
    public IReadOnlyDictionary<string, string> SchemaShapes => _schemaShapes;

    /// <summary>Writes one item. Begin, changes and commit must nest; the end is written by <see cref="CompleteAsync"/>.</summary>
    public ValueTask WriteAsync(SegmentItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ObjectDisposedException.ThrowIf(_completed, this);
        switch (item)
        {
            case RelationItem relation:
                Record(ChangeSegmentFormat.Relation, w => WriteRelation(w, relation.Relation));
                break;
            case PartitionItem partition:
                Require(!_inTransaction, "partitions are written between transactions");
                Record(ChangeSegmentFormat.Partition, w =>
                {
                    WriteString(w, partition.Partition.Schema);
                    WriteString(w, partition.Partition.Name);
                    WriteString(w, partition.Partition.ParentSchema);
                    WriteString(w, partition.Partition.ParentName);
                    WriteString(w, partition.Partition.Bound);
                    WriteString(w, partition.Partition.PartitionBy);
                });
                break;
            case SourceBoundaryItem:
                Require(_marksSources, "source boundaries belong to compacted segments");
                Require(!_inTransaction, "source boundaries are written between transactions");
                Record(ChangeSegmentFormat.SourceBoundary, _ => { });
                break;
            case BeginItem begin:
                Require(!_inTransaction, "a transaction is already open");
                _inTransaction = true;
                Record(ChangeSegmentFormat.Begin, w =>
                {
                    WriteUInt32(w, begin.Xid);
                    WriteUInt64(w, begin.CommitLsn);
                    WriteInt64(w, ChangeSegmentFormat.ToMicroseconds(begin.CommitTime));
                });
                break;
            case SchemaChangeItem schema:
                Require(_inTransaction, "a schema change must be inside a transaction");
                Record(ChangeSegmentFormat.SchemaChange, w => WriteString(w, schema.Change.Json));
                foreach (var (table, shape) in schema.Change.Shapes)
                {
                    _schemaShapes[table] = shape;
                }
                break;
            case ChangeItem change:
                Require(_inTransaction, "a change must be inside a transaction");
                _changes++;
                WriteChange(change.Change);
                break;
            case CommitItem commit:
                Require(_inTransaction, "no transaction is open");
                _inTransaction = false;
                _transactions++;
                Record(ChangeSegmentFormat.Commit, w =>
                {
                    WriteUInt32(w, commit.Xid);
                    WriteUInt64(w, commit.CommitLsn);
                });
                break;
            case SequenceItem sequence:
                Require(!_inTransaction, "sequence values are written between transactions");
                Record(ChangeSegmentFormat.Sequence, w =>
                {
                    WriteString(w, sequence.Schema);
                    WriteString(w, sequence.Name);
                    WriteInt64(w, sequence.LastValue);
                    w.Write([sequence.IsCalled ? (byte)1 : (byte)0]);
                });
                break;
            default:
                throw new ArgumentException($"{item.GetType().Name} cannot be written directly; the end record is written by CompleteAsync.", nameof(item));
        }
        return _buffer.WrittenCount >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Writes the end record with the totals and flushes. Nothing can be written after it.</summary>
    public async ValueTask CompleteAsync(ulong endLsn, CancellationToken cancellationToken = default)
    {
        Require(!_inTransaction, "a transaction is still open");
        Record(ChangeSegmentFormat.End, w =>
        {
            WriteInt64(w, _transactions);
            WriteInt64(w, _changes);
            WriteUInt64(w, endLsn);
        });
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _destination.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
    }

    private void WriteChange(RowChange change)
    {
        switch (change)
        {
            case InsertChange insert:
                Record(ChangeSegmentFormat.Insert, w =>
                {
                    WriteUInt32(w, insert.RelationOid);
                    WriteTuple(w, insert.NewRow);
                });
                break;
            case UpdateChange update:
                Record(ChangeSegmentFormat.Update, w =>
                {
                    WriteUInt32(w, update.RelationOid);
                    w.Write([update.OldKey is null ? (byte)0 : (byte)1]);
                    if (update.OldKey is not null)
                    {
                        WriteTuple(w, update.OldKey);
                    }
                    WriteTuple(w, update.NewRow);
                });
                break;
            case DeleteChange delete:
                Record(ChangeSegmentFormat.Delete, w =>
                {
                    WriteUInt32(w, delete.RelationOid);
                    WriteTuple(w, delete.OldKey);
                });
                break;
            case TruncateChange truncate:
                Record(ChangeSegmentFormat.Truncate, w =>
                {
                    w.Write([(byte)((truncate.Cascade ? 1 : 0) | (truncate.RestartIdentity ? 2 : 0))]);
                    WriteUInt32(w, (uint)truncate.RelationOids.Count);
                    foreach (var oid in truncate.RelationOids)
                    {
                        WriteUInt32(w, oid);
                    }
                });
                break;
            default:
                throw new ArgumentException($"Unknown change {change.GetType().Name}.", nameof(change));
        }
    }

    // A record is its type, its payload's length, and the payload, which is built first to know its length.
    private void Record(byte type, Action<ArrayBufferWriter<byte>> payload)
    {
        _record.ResetWrittenCount();
        payload(_record);
        var header = _buffer.GetSpan(5);
        header[0] = type;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], _record.WrittenCount);
        _buffer.Advance(5);
        _buffer.Write(_record.WrittenSpan);
    }

    private static void WriteRelation(ArrayBufferWriter<byte> w, SegmentRelation relation)
    {
        WriteUInt32(w, relation.Oid);
        WriteString(w, relation.Schema);
        WriteString(w, relation.Name);
        w.Write([(byte)relation.ReplicaIdentity]);
        WriteUInt32(w, (uint)relation.Columns.Count);
        foreach (var column in relation.Columns)
        {
            WriteString(w, column.Name);
            WriteUInt32(w, column.TypeOid);
            WriteInt32(w, column.TypeModifier);
            w.Write([column.IsKey ? (byte)1 : (byte)0]);
            WriteString(w, column.TypeName);
        }
    }

    private static void WriteTuple(ArrayBufferWriter<byte> w, IReadOnlyList<ColumnValue> values)
    {
        WriteUInt32(w, (uint)values.Count);
        foreach (var value in values)
        {
            w.Write([(byte)value.Kind]);
            if (value.Kind == ColumnValueKind.Text)
            {
                WriteString(w, value.Text ?? "");
            }
        }
    }

    private static void WriteString(ArrayBufferWriter<byte> w, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt32(w, (uint)length);
        Encoding.UTF8.GetBytes(value, w.GetSpan(length));
        w.Advance(length);
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> w, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(w.GetSpan(4), value);
        w.Advance(4);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> w, int value) => WriteUInt32(w, unchecked((uint)value));

    private static void WriteUInt64(ArrayBufferWriter<byte> w, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(w.GetSpan(8), value);
        w.Advance(8);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> w, long value) => WriteUInt64(w, unchecked((ulong)value));

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Change segment written out of order: {what}.");
        }
    }
}
