using Backup.Core.Changes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Backup.Core.Postgres;
using Npgsql;

namespace Backup.Core.Replay;

/// <summary>
/// Applies change segments to a database in commit order, each source transaction whole or not at
/// all. Consecutive transactions are grouped and applied as their net effect per table in one
/// target transaction (<see cref="SetApplier"/>): the state after a group is exactly the state
/// after its last transaction, and a group is never split, so every point replay stops at is a
/// commit point of the source. What a net effect cannot express (truncates, updates and deletes
/// on tables without a key) is replayed statement by statement (<see cref="StatementApplier"/>),
/// and so is a group the set path fails on. Captured sequence values are set at the end. Partitions
/// created on the source during the chain are created before the first change that may need them.
/// A transaction that changed the schema is applied alone, its row changes and schema changes in
/// their order (<see cref="SchemaChangeApplier"/>).
/// </summary>
internal sealed class ChangeReplayer
{
    // Large enough that a hot row is written once per thousands of transactions, small enough that the buffered group stays a few MB.
    private const int GroupChanges = 20_000;
    private readonly NpgsqlConnection _target;
    private readonly ILogger _logger;
    private readonly Dictionary<uint, SegmentRelation> _relations = [];
    private readonly List<SequenceItem> _sequences = [];
    private readonly Dictionary<(string Schema, string Name), SegmentPartition> _partitions = [];
    private readonly List<SegmentPartition> _duePartitions = [];
    private readonly ReplayGroup _group;
    private readonly StatementApplier _statements;
    private readonly SetApplier _sets;
    private readonly SchemaChangeApplier _schemaChanges;
    private readonly ReplayTableFilter? _filter;
    private readonly IdentityAlwaysColumns _identities = new();
    private bool _prepared;

    /// <param name="target">An open connection to the database being recovered.</param>
    /// <param name="logger">Where fallbacks and missing privileges are reported.</param>
    /// <param name="upsertInserts">Inserts replace the row with their key: timestamp-mode segments, whose rows may already exist.</param>
    /// <param name="filter">Only these tables' changes are replayed (a restore of chosen tables); all when null.</param>
    public ChangeReplayer(NpgsqlConnection target, ILogger? logger = null, bool upsertInserts = false, ReplayTableFilter? filter = null)
    {
        _filter = filter;
        _target = target;
        _logger = logger ?? NullLogger.Instance;
        _group = new ReplayGroup(upsertInserts);
        _statements = new StatementApplier(target, _identities, upsertInserts);
        _sets = new SetApplier(target, _statements, _identities);
        _schemaChanges = new SchemaChangeApplier(target, _statements, _logger);
    }

    /// <summary>The commit time of the last transaction applied.</summary>
    public DateTimeOffset? ReachedCommitTime { get; private set; }

    /// <summary>Transactions applied.</summary>
    public long Transactions { get; private set; }

    /// <summary>Row changes applied.</summary>
    public long Changes { get; private set; }

    /// <summary>Transactions replayed statement by statement rather than as part of a net effect.</summary>
    public long TransactionsByStatement { get; private set; }

    /// <summary>
    /// Applies one segment's transactions whose commit time is at or before <paramref name="until"/>
    /// (all when null). Returns false once a later transaction was met: the point is reached.
    /// </summary>
    public async Task<bool> ApplyAsync(ChangeSegmentReader segment, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        await PrepareAsync(cancellationToken).ConfigureAwait(false);
        var pending = new List<RowChange>();
        SchemaChangeTransaction? schemaChanges = null;
        BeginItem? begin = null;
        var reached = false;
        var pastPart = false;
        await foreach (var item in segment.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reached)
            {
                // Past the target only the segment's closing sequence values matter: captured after
                // every transaction in it, they are at least the target's (the previous segment's may be lower).
                // In a compacted segment that is the part up to the next source boundary: later parts'
                // values are those of segments replay would not have opened before compaction.
                if (item is SourceBoundaryItem)
                {
                    pastPart = true;
                }
                else if (item is SequenceItem late && !pastPart)
                {
                    _sequences.Add(late);
                }
                continue;
            }
            switch (item)
            {
                case SourceBoundaryItem:
                    // The end of a merged source segment: what the end of a segment does.
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                    await CreateRemainingPartitionsAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case PartitionItem partition when _filter?.Keeps(partition.Partition) == false:
                    break;
                case PartitionItem partition:
                    _partitions[(partition.Partition.Schema, partition.Partition.Name)] = partition.Partition;
                    break;
                case RelationItem relation:
                    NotePartitionsFor(relation.Relation);
                    if (_group.DescribesOtherwise(relation.Relation))
                    {
                        // Buffered transactions refer to the old description: apply them before it changes.
                        await FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    _relations[relation.Relation.Oid] = relation.Relation;
                    break;
                case BeginItem b:
                    if (until is { } limit && b.CommitTime > limit)
                    {
                        await FlushAsync(cancellationToken).ConfigureAwait(false);
                        reached = true;
                        break;
                    }
                    begin = b;
                    pending = [];
                    schemaChanges = null;
                    break;
                case ChangeItem change when _filter is not null:
                    if (_filter.Filter(change.Change, _relations) is { } kept)
                    {
                        pending.Add(kept);
                    }
                    break;
                case ChangeItem change:
                    pending.Add(change.Change);
                    break;
                case SchemaChangeItem schema when _filter?.Keeps(schema.Change, begin!.CommitTime) == false:
                    break;
                case SchemaChangeItem schema:
                    schemaChanges ??= new SchemaChangeTransaction();
                    pending = schemaChanges.Add(pending, _relations, schema.Change);
                    break;
                case CommitItem when schemaChanges is not null:
                    schemaChanges.Close(pending, _relations);
                    // Transactions before it were written with the schema it changes: they go first.
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                    await _schemaChanges.ApplyAsync(schemaChanges, begin!.CommitTime, cancellationToken).ConfigureAwait(false);
                    // A schema change may have made or unmade an identity column.
                    await _identities.LoadAsync(_target, cancellationToken).ConfigureAwait(false);
                    TransactionsByStatement++;
                    Applied(begin.CommitTime, schemaChanges.Changes);
                    schemaChanges = null;
                    break;
                case CommitItem:
                    await CreateDuePartitionsAsync(cancellationToken).ConfigureAwait(false);
                    await AddAsync(new ReplayTransaction(begin!.CommitTime, pending, _relations), cancellationToken).ConfigureAwait(false);
                    break;
                case SequenceItem sequence:
                    _sequences.Add(sequence);
                    break;
            }
        }
        if (reached)
        {
            return false;
        }
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await CreateRemainingPartitionsAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    // The segment was captured after these partitions existed: past its end, so does the recovered database.
    private async Task CreateRemainingPartitionsAsync(CancellationToken cancellationToken)
    {
        while (_partitions.Count > 0)
        {
            await CreatePartitionAsync(_partitions.Values.First(), cancellationToken).ConfigureAwait(false);
        }
        _duePartitions.Clear();
    }

    // A new partition is created just before the first transaction that may put rows in it: one
    // described under its own name, or under an ancestor's (publish_via_partition_root routes rows
    // through the root). A description comes before its transaction's begin, which may be past
    // the target: the partition is only noted then, and made when that transaction is applied.
    private void NotePartitionsFor(SegmentRelation relation)
    {
        var table = (relation.Schema, relation.Name);
        foreach (var partition in _partitions.Values.Where(p => IsUnder(p, table)))
        {
            _duePartitions.Add(partition);
        }
    }

    // Transactions buffered so far committed before the one that needs the partitions: they are applied first.
    private async Task CreateDuePartitionsAsync(CancellationToken cancellationToken)
    {
        if (_duePartitions.Count == 0)
        {
            return;
        }
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        foreach (var partition in _duePartitions.Where(p => _partitions.ContainsKey((p.Schema, p.Name))))
        {
            await CreatePartitionAsync(partition, cancellationToken).ConfigureAwait(false);
        }
        _duePartitions.Clear();
    }

    private bool IsUnder(SegmentPartition partition, (string Schema, string Name) table)
    {
        for (var current = partition; ; )
        {
            if ((current.Schema, current.Name) == table || (current.ParentSchema, current.ParentName) == table)
            {
                return true;
            }
            if (!_partitions.TryGetValue((current.ParentSchema, current.ParentName), out var parent))
            {
                return false;
            }
            current = parent;
        }
    }

    // Its parent first, when that is new too.
    private async Task CreatePartitionAsync(SegmentPartition partition, CancellationToken cancellationToken)
    {
        if (_partitions.TryGetValue((partition.ParentSchema, partition.ParentName), out var parent))
        {
            await CreatePartitionAsync(parent, cancellationToken).ConfigureAwait(false);
        }
        var partitionBy = partition.PartitionBy.Length == 0 ? "" : " PARTITION BY " + partition.PartitionBy;
        await ExecuteAsync(
            $"CREATE TABLE {SqlIdentifier.Quote(partition.Schema)}.{SqlIdentifier.Quote(partition.Name)} PARTITION OF {SqlIdentifier.Quote(partition.ParentSchema)}.{SqlIdentifier.Quote(partition.ParentName)} {partition.Bound}{partitionBy}",
            cancellationToken).ConfigureAwait(false);
        _partitions.Remove((partition.Schema, partition.Name));
    }

    /// <summary>Sets every sequence to the value captured last.</summary>
    public async Task SetSequencesAsync(CancellationToken cancellationToken)
    {
        var latest = _sequences.GroupBy(s => (s.Schema, s.Name)).Select(g => g.Last()).ToList();
        if (latest.Count == 0)
        {
            return;
        }
        var batch = new NpgsqlBatch(_target);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var sequence in latest)
            {
                // A sequence created after the target (its table's CREATE not replayed) is not there to set.
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT setval(to_regclass($1), $2, $3) WHERE to_regclass($1) IS NOT NULL")
                {
                    Parameters =
                    {
                        new() { Value = $"{SqlIdentifier.Quote(sequence.Schema)}.{SqlIdentifier.Quote(sequence.Name)}" },
                        new() { Value = sequence.LastValue },
                        new() { Value = sequence.IsCalled },
                    },
                });
            }
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AddAsync(ReplayTransaction transaction, CancellationToken cancellationToken)
    {
        if (!transaction.CanFold)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await _statements.ApplyAsync(transaction, cancellationToken).ConfigureAwait(false);
            TransactionsByStatement++;
            Applied(transaction);
            return;
        }
        _group.Add(transaction);
        if (_group.Changes >= GroupChanges)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_group.Transactions.Count == 0)
        {
            return;
        }
        try
        {
            await _sets.ApplyAsync(_group, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            // Applying by table reorders changes across tables; a constraint or trigger that cares is
            // satisfied by the source's own order. The group's target transaction was rolled back.
            Log.ReplayGroupFallback(_logger, _group.Transactions.Count, ex.MessageText);
            foreach (var transaction in _group.Transactions)
            {
                await _statements.ApplyAsync(transaction, cancellationToken).ConfigureAwait(false);
                TransactionsByStatement++;
            }
        }
        foreach (var transaction in _group.Transactions)
        {
            Applied(transaction);
        }
        _group.Clear();
    }

    private void Applied(ReplayTransaction transaction) => Applied(transaction.CommitTime, transaction.Changes.Count);

    private void Applied(DateTimeOffset commitTime, int changes)
    {
        Transactions++;
        Changes += changes;
        ReachedCommitTime = commitTime;
    }

    // Replay is not new work: commits need not wait for the disk (a crash means redoing the
    // recovery), and the target's triggers and foreign-key checks must not fire again for changes
    // whose effects the stream already holds — as PostgreSQL's own logical replication does.
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (_prepared)
        {
            return;
        }
        _prepared = true;
        await ExecuteAsync("SET synchronous_commit = off", cancellationToken).ConfigureAwait(false);
        await _identities.LoadAsync(_target, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync("SET session_replication_role = replica", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Log.ReplayTriggersActive(_logger, _target.Database);
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, _target);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
