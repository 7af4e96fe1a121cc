using System.Globalization;
using System.Text;
using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Backup.Core.Replay;

/// <summary>
/// Replays one transaction exactly as the source ran it, change by change in one target
/// transaction, its statements sent in batches and its runs of inserts loaded with COPY. The
/// general path: truncates, tables without a key, and groups the set-based path could not apply.
/// Values travel as text of unspecified type, so the server parses them for the target column
/// exactly as it would its own output — enums, domains and arrays included. With
/// <paramref name="upsertInserts"/> (timestamp-mode segments) an insert replaces the row with its key.
/// </summary>
internal sealed class StatementApplier(NpgsqlConnection target, IdentityAlwaysColumns identities, bool upsertInserts = false)
{
    private const int CopyRunThreshold = 8;
    private const int StatementsPerBatch = 1000;

    public async Task ApplyAsync(ReplayTransaction transaction, CancellationToken cancellationToken)
    {
        var dbTransaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (dbTransaction.ConfigureAwait(false))
        {
            await ApplyChangesAsync(transaction.Changes, transaction.Relations, dbTransaction, cancellationToken).ConfigureAwait(false);
            await dbTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies <paramref name="changes"/>, described by <paramref name="relations"/>, inside the open <paramref name="dbTransaction"/>.</summary>
    public async Task ApplyChangesAsync(IReadOnlyList<RowChange> changes, IReadOnlyDictionary<uint, SegmentRelation> relations, NpgsqlTransaction dbTransaction, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(target, dbTransaction);
        await using (batch.ConfigureAwait(false))
        {
            for (var i = 0; i < changes.Count; i++)
            {
                // A run of inserts into one table goes through COPY; what came before it is sent first.
                var run = upsertInserts ? 0 : InsertRunLength(changes, i);
                if (run >= CopyRunThreshold)
                {
                    await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                    await CopyAsync(relations[changes[i].RelationOid], changes.Skip(i).Take(run).Select(c => new CopyRow(((InsertChange)c).NewRow)), cancellationToken).ConfigureAwait(false);
                    i += run - 1;
                    continue;
                }
                batch.BatchCommands.Add(Statement(changes[i], relations));
                if (batch.BatchCommands.Count >= StatementsPerBatch)
                {
                    await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }
            await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Loads rows into the relation's table with COPY, or into <paramref name="table"/>, whose
    /// <paramref name="extraColumns"/> each row's <see cref="CopyRow.Suffix"/> fills.
    /// </summary>
    public async Task CopyAsync(SegmentRelation relation, IEnumerable<CopyRow> rows, CancellationToken cancellationToken, string? table = null, string? extraColumns = null)
    {
        var columns = ReplaySql.ColumnList(relation) + extraColumns;
        var writer = await target.BeginTextImportAsync($"COPY {table ?? ReplaySql.Table(relation)} ({columns}) FROM STDIN", cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var line = new StringBuilder();
            foreach (var row in rows)
            {
                line.Clear();
                CopyText.AppendRow(line, row.Values);
                line.Append(row.Suffix).Append('\n');
                await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            }
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

    private static int InsertRunLength(IReadOnlyList<RowChange> changes, int start)
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

    private NpgsqlBatchCommand Statement(RowChange change, IReadOnlyDictionary<uint, SegmentRelation> relations)
    {
        var relation = relations[change.RelationOid];
        var command = new NpgsqlBatchCommand();
        var sql = new StringBuilder();
        switch (change)
        {
            case InsertChange insert:
                sql.Append(ReplaySql.InsertInto(relation)).Append(" VALUES (");
                for (var i = 0; i < insert.NewRow.Count; i++)
                {
                    sql.Append(i > 0 ? ", " : "").Append(Parameter(command, insert.NewRow[i]));
                }
                sql.Append(')');
                if (upsertInserts)
                {
                    AppendOnConflict(sql, relation);
                }
                break;
            case UpdateChange update:
                sql.Append("UPDATE ").Append(ReplaySql.Table(relation)).Append(" SET ");
                var first = true;
                for (var i = 0; i < update.NewRow.Count; i++)
                {
                    // An unchanged TOASTed value is not sent: the column keeps what it has. An identity column cannot have changed.
                    if (update.NewRow[i].Kind == ColumnValueKind.UnchangedToast || !identities.Updatable(relation, relation.Columns[i].Name))
                    {
                        continue;
                    }
                    sql.Append(first ? "" : ", ").Append(SqlIdentifier.Quote(relation.Columns[i].Name)).Append(" = ").Append(Parameter(command, update.NewRow[i]));
                    first = false;
                }
                if (first)
                {
                    // Nothing to set (only unchanged TOASTed values and identity columns): the row stays as it is.
                    command.CommandText = "SELECT";
                    return command;
                }
                AppendWhere(sql, command, relation, update.OldKey ?? update.NewRow, whole: update.OldKey is not null && relation.ReplicaIdentity == 'f');
                break;
            case DeleteChange delete:
                sql.Append("DELETE FROM ").Append(ReplaySql.Table(relation));
                AppendWhere(sql, command, relation, delete.OldKey, whole: relation.ReplicaIdentity == 'f');
                break;
            case TruncateChange truncate:
                sql.Append("TRUNCATE ").AppendJoin(", ", truncate.RelationOids.Select(o => ReplaySql.Table(relations[o])))
                    .Append(truncate.RestartIdentity ? " RESTART IDENTITY" : "").Append(truncate.Cascade ? " CASCADE" : "");
                break;
        }
        command.CommandText = sql.ToString();
        return command;
    }

    private void AppendOnConflict(StringBuilder sql, SegmentRelation relation)
    {
        var keys = relation.Columns.Where(c => c.IsKey).Select(c => SqlIdentifier.Quote(c.Name)).ToList();
        var others = relation.Columns.Where(c => !c.IsKey && identities.Updatable(relation, c.Name)).Select(c => SqlIdentifier.Quote(c.Name)).ToList();
        sql.Append(" ON CONFLICT (").AppendJoin(", ", keys).Append(") ")
            .Append(others.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", others.Select(c => $"{c} = EXCLUDED.{c}")));
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
            var name = SqlIdentifier.Quote(column.Name);
            conditions.Add(whole
                ? $"{name}::text IS NOT DISTINCT FROM {Parameter(command, key[i])}::text"
                : $"{name} = {Parameter(command, key[i])}");
        }
        if (conditions.Count == 0)
        {
            throw new BackupException($"The table {relation.Schema}.{relation.Name} has no replica identity: its updates and deletes cannot be replayed.");
        }
        var predicate = string.Join(" AND ", conditions);
        sql.Append(whole ? $" WHERE ctid = (SELECT ctid FROM {ReplaySql.Table(relation)} WHERE {predicate} LIMIT 1)" : $" WHERE {predicate}");
    }

    private static string Parameter(NpgsqlBatchCommand command, ColumnValue value)
    {
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = value.Kind == ColumnValueKind.Text ? value.Text : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.Unknown,
        });
        return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
    }
}
