using System.Text;
using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Npgsql;
using NpgsqlTypes;

namespace Backup.Core.Postgres;

/// <summary>
/// Applies change segments to a database: each transaction atomically and in commit order, each
/// transaction's statements sent as one batch (one round trip), runs of inserts into one table
/// loaded with COPY, and the captured sequence values set at the end. Values travel as text of
/// unspecified type, so the server parses them for the target column exactly as it would its own
/// output — enums, domains and arrays included, whatever their OIDs on the target.
/// </summary>
internal sealed class ChangeReplayer(NpgsqlConnection target)
{
    private const int CopyRunThreshold = 8;
    private readonly Dictionary<uint, SegmentRelation> _relations = [];
    private readonly List<SequenceItem> _sequences = [];

    /// <summary>The commit time of the last transaction applied.</summary>
    public DateTimeOffset? ReachedCommitTime { get; private set; }

    /// <summary>Transactions applied.</summary>
    public long Transactions { get; private set; }

    /// <summary>Row changes applied.</summary>
    public long Changes { get; private set; }

    /// <summary>
    /// Applies one segment's transactions whose commit time is at or before <paramref name="until"/>
    /// (all when null). Returns false once a later transaction was met: the point is reached.
    /// </summary>
    public async Task<bool> ApplyAsync(ChangeSegmentReader segment, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var pending = new List<RowChange>();
        BeginItem? begin = null;
        await foreach (var item in segment.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case RelationItem relation:
                    _relations[relation.Relation.Oid] = relation.Relation;
                    break;
                case BeginItem b:
                    if (until is { } limit && b.CommitTime > limit)
                    {
                        return false;
                    }
                    begin = b;
                    pending.Clear();
                    break;
                case ChangeItem change:
                    pending.Add(change.Change);
                    break;
                case CommitItem:
                    await ApplyTransactionAsync(pending, cancellationToken).ConfigureAwait(false);
                    Transactions++;
                    Changes += pending.Count;
                    ReachedCommitTime = begin!.CommitTime;
                    break;
                case SequenceItem sequence:
                    _sequences.Add(sequence);
                    break;
            }
        }
        return true;
    }

    /// <summary>Sets every sequence to the value captured last.</summary>
    public async Task SetSequencesAsync(CancellationToken cancellationToken)
    {
        var latest = _sequences.GroupBy(s => (s.Schema, s.Name)).Select(g => g.Last()).ToList();
        if (latest.Count == 0)
        {
            return;
        }
        var batch = new NpgsqlBatch(target);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var sequence in latest)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT setval($1::regclass, $2, $3)")
                {
                    Parameters =
                    {
                        new() { Value = $"{PostgresBackupEngine.Quote(sequence.Schema)}.{PostgresBackupEngine.Quote(sequence.Name)}" },
                        new() { Value = sequence.LastValue },
                        new() { Value = sequence.IsCalled },
                    },
                });
            }
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyTransactionAsync(List<RowChange> changes, CancellationToken cancellationToken)
    {
        var transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(target, transaction);
            await using (batch.ConfigureAwait(false))
            {
                for (var i = 0; i < changes.Count; i++)
                {
                    // A run of inserts into one table goes through COPY; what came before it is sent first.
                    var run = InsertRunLength(changes, i);
                    if (run >= CopyRunThreshold)
                    {
                        await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                        await CopyAsync(changes, i, run, cancellationToken).ConfigureAwait(false);
                        i += run - 1;
                        continue;
                    }
                    batch.BatchCommands.Add(Statement(changes[i]));
                    if (batch.BatchCommands.Count >= 1000)
                    {
                        await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                    }
                }
                await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task FlushAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        if (batch.BatchCommands.Count == 0)
        {
            return;
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        batch.BatchCommands.Clear();
    }

    private static int InsertRunLength(List<RowChange> changes, int start)
    {
        if (changes[start] is not InsertChange first)
        {
            return 0;
        }
        var end = start + 1;
        while (end < changes.Count && changes[end] is InsertChange next && next.RelationOid == first.RelationOid)
        {
            end++;
        }
        return end - start;
    }

    private async Task CopyAsync(List<RowChange> changes, int start, int count, CancellationToken cancellationToken)
    {
        var relation = Relation(changes[start].RelationOid);
        var columns = string.Join(", ", relation.Columns.Select(c => PostgresBackupEngine.Quote(c.Name)));
        var writer = await target.BeginTextImportAsync($"COPY {Table(relation)} ({columns}) FROM STDIN", cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var line = new StringBuilder();
            for (var i = start; i < start + count; i++)
            {
                line.Clear();
                var row = ((InsertChange)changes[i]).NewRow;
                for (var c = 0; c < row.Count; c++)
                {
                    if (c > 0)
                    {
                        line.Append('\t');
                    }
                    AppendCopyValue(line, row[c]);
                }
                line.Append('\n');
                await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // COPY's text format: \N is NULL; backslash, tab, newline and carriage return are escaped.
    private static void AppendCopyValue(StringBuilder line, ColumnValue value)
    {
        if (value.Kind != ColumnValueKind.Text)
        {
            line.Append("\\N");
            return;
        }
        foreach (var ch in value.Text!)
        {
            _ = ch switch
            {
                '\\' => line.Append("\\\\"),
                '\t' => line.Append("\\t"),
                '\n' => line.Append("\\n"),
                '\r' => line.Append("\\r"),
                _ => line.Append(ch),
            };
        }
    }

    private NpgsqlBatchCommand Statement(RowChange change)
    {
        var relation = Relation(change.RelationOid);
        var command = new NpgsqlBatchCommand();
        var sql = new StringBuilder();
        switch (change)
        {
            case InsertChange insert:
                sql.Append("INSERT INTO ").Append(Table(relation)).Append(" (")
                    .AppendJoin(", ", relation.Columns.Select(c => PostgresBackupEngine.Quote(c.Name))).Append(") VALUES (");
                for (var i = 0; i < insert.NewRow.Count; i++)
                {
                    sql.Append(i > 0 ? ", " : "").Append(Parameter(command, insert.NewRow[i]));
                }
                sql.Append(')');
                break;
            case UpdateChange update:
                sql.Append("UPDATE ").Append(Table(relation)).Append(" SET ");
                var first = true;
                for (var i = 0; i < update.NewRow.Count; i++)
                {
                    // An unchanged TOASTed value is not sent: the column keeps what it has.
                    if (update.NewRow[i].Kind == ColumnValueKind.UnchangedToast)
                    {
                        continue;
                    }
                    sql.Append(first ? "" : ", ").Append(PostgresBackupEngine.Quote(relation.Columns[i].Name)).Append(" = ").Append(Parameter(command, update.NewRow[i]));
                    first = false;
                }
                AppendWhere(sql, command, relation, update.OldKey ?? update.NewRow, whole: update.OldKey is not null && relation.ReplicaIdentity == 'f');
                break;
            case DeleteChange delete:
                sql.Append("DELETE FROM ").Append(Table(relation));
                AppendWhere(sql, command, relation, delete.OldKey, whole: relation.ReplicaIdentity == 'f');
                break;
            case TruncateChange truncate:
                sql.Append("TRUNCATE ").AppendJoin(", ", truncate.RelationOids.Select(o => Table(Relation(o))))
                    .Append(truncate.RestartIdentity ? " RESTART IDENTITY" : "").Append(truncate.Cascade ? " CASCADE" : "");
                break;
        }
        command.CommandText = sql.ToString();
        return command;
    }

    // Key columns find the row. With REPLICA IDENTITY FULL the whole old row does, compared as
    // text (json and others have no equality operator), and one row is changed even among duplicates.
    private static void AppendWhere(StringBuilder sql, NpgsqlBatchCommand command, SegmentRelation relation, IReadOnlyList<ColumnValue> key, bool whole)
    {
        var conditions = new List<string>();
        for (var i = 0; i < relation.Columns.Count; i++)
        {
            var column = relation.Columns[i];
            if (!(whole || column.IsKey) || key[i].Kind == ColumnValueKind.UnchangedToast)
            {
                continue;
            }
            var name = PostgresBackupEngine.Quote(column.Name);
            conditions.Add(whole
                ? $"{name}::text IS NOT DISTINCT FROM {Parameter(command, key[i])}::text"
                : $"{name} = {Parameter(command, key[i])}");
        }
        if (conditions.Count == 0)
        {
            throw new BackupException($"The table {relation.Schema}.{relation.Name} has no replica identity: its updates and deletes cannot be replayed.");
        }
        var predicate = string.Join(" AND ", conditions);
        sql.Append(whole ? $" WHERE ctid = (SELECT ctid FROM {Table(relation)} WHERE {predicate} LIMIT 1)" : $" WHERE {predicate}");
    }

    private static string Parameter(NpgsqlBatchCommand command, ColumnValue value)
    {
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = value.Kind == ColumnValueKind.Text ? value.Text : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.Unknown,
        });
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private SegmentRelation Relation(uint oid) =>
        _relations.TryGetValue(oid, out var relation)
            ? relation
            : throw new BackupIntegrityException($"A change refers to table OID {oid}, which the change segments never described.");

    private static string Table(SegmentRelation relation) => $"{PostgresBackupEngine.Quote(relation.Schema)}.{PostgresBackupEngine.Quote(relation.Name)}";
}
