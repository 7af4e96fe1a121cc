using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Backup.Core.Postgres;

/// <summary>
/// Turns a pgoutput stream into change-segment items, message by message: transactions whole and
/// in commit order (large ones the server streams while they run are spooled until their commit),
/// relations checked against the chain's table shapes. The one decoder of both an incremental's
/// drain and continuous capture.
/// </summary>
/// <remarks>
/// The segment written to may change between transactions (continuous capture cuts one every
/// second). pgoutput describes a relation once per connection, so every relation described so far
/// is written again into each new segment before its first transaction: each segment replays alone.
/// With <paramref name="captureSchemaChanges"/>, the event trigger's records (inserts into
/// <c>backup_core.ddl_log</c>, see <see cref="DdlCapture"/>) become schema-change items at their
/// place in the transaction, and the shapes they carry keep
/// <see cref="Shapes"/> current; a relation that does not match when described may still be made by
/// a later statement of its transaction (a CREATE TABLE AS describes its table, and sends its rows,
/// before its message comes), so it is refused only at the commit.
/// </remarks>
internal sealed class PgOutputDecoder(TypeNames typeNames, IReadOnlyDictionary<string, string>? shapes, string chainId, ulong skipCommitsBefore, bool captureSchemaChanges = false) : IAsyncDisposable
{
    /// <summary>The prefix of the logical messages this library emits into the stream.</summary>
    public const string MarkerPrefix = "backup-core";

    private readonly Dictionary<uint, StreamedTransactionSpool> _spools = [];
    private readonly Dictionary<uint, SegmentRelation> _relations = [];
    private readonly HashSet<uint> _relationsWritten = [];
    private readonly List<SegmentRelation> _unchecked = [];
    private uint? _logRelation;
    private ChangeSegmentWriter? _segment;
    private BeginMessage? _begin;
    private uint? _streaming;
    private bool _beganInSegment;
    private bool _skipping;

    /// <summary>The table shapes relations are checked against (null: no check); new partitions extend it.</summary>
    public IReadOnlyDictionary<string, string>? Shapes { get; set; } = shapes;

    /// <summary>Whether a transaction's items are being written (a segment may not end now).</summary>
    public bool WritingTransaction => _beganInSegment;

    /// <summary>The text of the last marker message met (see <see cref="MarkerPrefix"/>).</summary>
    public string? LastMarker { get; private set; }

    /// <summary>Handles one message, writing what it yields into <paramref name="segment"/>; returns the transaction it ended, if any.</summary>
    /// <exception cref="SchemaChangedException">A relation differs from <see cref="Shapes"/>.</exception>
    public async ValueTask<DecodedCommit?> HandleAsync(PgOutputReplicationMessage message, ChangeSegmentWriter segment, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(segment, _segment))
        {
            _segment = segment;
            _relationsWritten.Clear();
        }
        switch (message)
        {
            case BeginMessage b:
                _begin = b;
                _beganInSegment = false;
                // Already stored before a restart: the server sends again what it was not told was stored.
                _skipping = (ulong)b.TransactionFinalLsn < skipCommitsBefore;
                return null;
            case RelationMessage log when log.Namespace == DdlCapture.Schema && log.RelationName == DdlCapture.LogTable:
                // Its rows are records of schema changes, never replayed as rows.
                _logRelation = log.RelationId;
                return null;
            case InsertMessage logged when logged.Relation.RelationId == _logRelation:
                var record = (InsertChange)await RowChanges.ToChangeAsync(logged, cancellationToken).ConfigureAwait(false);
                if (captureSchemaChanges && !(_skipping && _streaming is null))
                {
                    await SchemaChangeAsync(record.NewRow[1].Text!, logged.TransactionXid, segment, cancellationToken).ConfigureAwait(false);
                }
                return null;
            case UpdateMessage or DeleteMessage when _logRelation is not null && RelationOf(message) == _logRelation:
                return null;
            case RelationMessage relation:
                var described = await DescribeAsync(relation, cancellationToken).ConfigureAwait(false);
                if (Shapes is not null && TableShapes.Mismatch(Shapes, described, chainId, captureSchemaChanges) is { } mismatch)
                {
                    if (!captureSchemaChanges)
                    {
                        throw new SchemaChangedException(mismatch);
                    }
                    _unchecked.Add(described);
                }
                if (_streaming is { } streamingTop)
                {
                    // Its transaction's earlier changes may use an older description: it takes its place in the spool.
                    await _spools[streamingTop].AppendAsync(streamingTop, new RelationItem(described), cancellationToken).ConfigureAwait(false);
                    return null;
                }
                _relations[relation.RelationId] = described;
                _relationsWritten.Add(relation.RelationId);
                await segment.WriteAsync(new RelationItem(described), cancellationToken).ConfigureAwait(false);
                return null;
            case LogicalDecodingMessage decoding when decoding.Prefix == MarkerPrefix:
                using (var reader = new StreamReader(decoding.Data, leaveOpen: true))
                {
                    LastMarker = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                }
                return null;
            case StreamStartMessage start:
                _streaming = start.TransactionXid;
                if (!_spools.ContainsKey(start.TransactionXid))
                {
                    _spools[start.TransactionXid] = new StreamedTransactionSpool();
                }
                return null;
            case StreamStopMessage:
                _streaming = null;
                return null;
            case InsertMessage or UpdateMessage or DeleteMessage or TruncateMessage when _streaming is { } top:
                // A change of a streamed transaction carries its subtransaction's xid, so a rolled-back savepoint can be dropped.
                var subtransaction = ((TransactionalMessage)message).TransactionXid ?? top;
                await _spools[top].AppendAsync(subtransaction, new ChangeItem(await RowChanges.ToChangeAsync(message, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
                return null;
            case StreamAbortMessage abort when _spools.TryGetValue(abort.TransactionXid, out var aborted):
                if (abort.SubtransactionXid == abort.TransactionXid)
                {
                    _spools.Remove(abort.TransactionXid);
                    await aborted.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    aborted.Abort(abort.SubtransactionXid);
                }
                return null;
            case StreamCommitMessage commit when _spools.Remove(commit.TransactionXid, out var spool):
                await using (spool.ConfigureAwait(false))
                {
                    var committedAt = Utc(commit.TransactionCommitTimestamp);
                    CheckDeferredShapes();
                    if ((ulong)commit.CommitLsn < skipCommitsBefore)
                    {
                        return new DecodedCommit((ulong)commit.TransactionEndLsn, committedAt, Written: false, Streamed: false);
                    }
                    await BeginAsync(commit.TransactionXid, (ulong)commit.CommitLsn, committedAt, cancellationToken).ConfigureAwait(false);
                    foreach (var relation in await spool.CopyCommittedAsync(segment, cancellationToken).ConfigureAwait(false))
                    {
                        // Written inside the transaction: from here on they are the relations' descriptions.
                        _relations[relation.Oid] = relation;
                        _relationsWritten.Add(relation.Oid);
                    }
                    await segment.WriteAsync(new CommitItem(commit.TransactionXid, (ulong)commit.CommitLsn), cancellationToken).ConfigureAwait(false);
                    _beganInSegment = false;
                    return new DecodedCommit((ulong)commit.TransactionEndLsn, committedAt, Written: true, Streamed: true);
                }
            case InsertMessage or UpdateMessage or DeleteMessage or TruncateMessage:
                if (_skipping)
                {
                    return null;
                }
                await BeginOnFirstItemAsync(cancellationToken).ConfigureAwait(false);
                await segment.WriteAsync(new ChangeItem(await RowChanges.ToChangeAsync(message, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
                return null;
            case CommitMessage commit:
                CheckDeferredShapes();
                var written = _beganInSegment;
                if (written)
                {
                    await segment.WriteAsync(new CommitItem(_begin!.TransactionXid, (ulong)commit.CommitLsn), cancellationToken).ConfigureAwait(false);
                    _beganInSegment = false;
                }
                return new DecodedCommit((ulong)commit.TransactionEndLsn, Utc(commit.TransactionCommitTimestamp), written, Streamed: false);
            default:
                return null;
        }
    }

    // The message's statement goes where it ran; the shapes it carries are the chain's from here on.
    private async Task SchemaChangeAsync(string json, uint? subtransactionXid, ChangeSegmentWriter segment, CancellationToken cancellationToken)
    {
        var change = SchemaChange.Parse(json);
        if (SchemaChangeScript.Of(change).Unreplayable is { } why)
        {
            throw new SchemaChangedException($"The schema change {change.Tag} run by {change.Role} at {change.StatementTime:O} cannot be replayed onto the chain of {chainId}: {why}. The chain ends before it: take a new full backup (it starts a new chain). Statement: {change.Redacted}");
        }
        if (Shapes is not null && change.Shapes.Count > 0)
        {
            var shapes = new Dictionary<string, string>(Shapes, StringComparer.Ordinal);
            foreach (var (table, shape) in change.Shapes)
            {
                shapes[table] = shape;
            }
            Shapes = shapes;
            // A relation described before the statement that made it (CREATE TABLE AS) is now known.
            _unchecked.RemoveAll(r => TableShapes.Mismatch(shapes, r, chainId, captureSchemaChanges) is null);
        }
        if (_streaming is { } top)
        {
            await _spools[top].AppendAsync(subtransactionXid ?? top, new SchemaChangeItem(change), cancellationToken).ConfigureAwait(false);
            return;
        }
        await BeginOnFirstItemAsync(cancellationToken).ConfigureAwait(false);
        await segment.WriteAsync(new SchemaChangeItem(change), cancellationToken).ConfigureAwait(false);
    }

    // A relation that matched neither when it was described nor after a later schema change of its transaction was changed uncaptured.
    private void CheckDeferredShapes()
    {
        if (_unchecked.Count > 0)
        {
            throw new SchemaChangedException(TableShapes.Mismatch(Shapes!, _unchecked[0], chainId, captureSchemaChanges)!);
        }
    }

    /// <summary>Deletes the spools of transactions still running (the slot sends them again next time).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var spool in _spools.Values)
        {
            await spool.DisposeAsync().ConfigureAwait(false);
        }
        _spools.Clear();
    }

    // The begin of a (not streamed) transaction is written at its first item, so that empty transactions (like a marker's) leave no trace.
    private async ValueTask BeginOnFirstItemAsync(CancellationToken cancellationToken)
    {
        if (!_beganInSegment)
        {
            await BeginAsync(_begin!.TransactionXid, (ulong)_begin.TransactionFinalLsn, Utc(_begin.TransactionCommitTimestamp), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask BeginAsync(uint xid, ulong commitLsn, DateTimeOffset committedAt, CancellationToken cancellationToken)
    {
        // A segment cut since these relations were described does not hold them yet.
        foreach (var (oid, relation) in _relations)
        {
            if (_relationsWritten.Add(oid))
            {
                await _segment!.WriteAsync(new RelationItem(relation), cancellationToken).ConfigureAwait(false);
            }
        }
        await _segment!.WriteAsync(new BeginItem(xid, commitLsn, committedAt), cancellationToken).ConfigureAwait(false);
        _beganInSegment = true;
    }

    private async Task<SegmentRelation> DescribeAsync(RelationMessage relation, CancellationToken cancellationToken)
    {
        var columns = new List<SegmentColumn>(relation.Columns.Count);
        foreach (var c in relation.Columns)
        {
            var typeName = await typeNames.NameAsync(c.DataTypeId, c.TypeModifier, cancellationToken).ConfigureAwait(false);
            columns.Add(new SegmentColumn(c.ColumnName, c.DataTypeId, c.TypeModifier, ((byte)c.Flags & 1) != 0, typeName));
        }
        return new SegmentRelation(relation.RelationId, relation.Namespace, relation.RelationName, (char)(byte)relation.ReplicaIdentity, columns);
    }

    private static uint? RelationOf(PgOutputReplicationMessage message) => message switch
    {
        UpdateMessage update => update.Relation.RelationId,
        DeleteMessage delete => delete.Relation.RelationId,
        _ => null,
    };

    private static DateTimeOffset Utc(DateTime timestamp) => new(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc));
}

/// <summary>A transaction the stream ended.</summary>
/// <param name="EndLsn">The WAL position after its commit: what the slot may be confirmed to once it is stored.</param>
/// <param name="CommitTime">When it committed.</param>
/// <param name="Written">Whether it was written (it changed a published table and was not stored before).</param>
/// <param name="Streamed">Whether the server streamed it while it ran.</param>
internal sealed record DecodedCommit(ulong EndLsn, DateTimeOffset CommitTime, bool Written, bool Streamed);
