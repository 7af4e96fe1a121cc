using System.Globalization;
using System.Text;
using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Postgres;
using Npgsql;

namespace Backup.Core.Replay;

/// <summary>
/// Applies a group's net effect per table in one target transaction: the rows go by COPY into a
/// temporary table of the target's own column types, then three set statements do the work —
/// DELETE the rows that are gone, INSERT … ON CONFLICT DO UPDATE the rows that exist at the end,
/// and UPDATE, keeping the unchanged TOASTed columns, the rows an update only partly described.
/// A table the group only inserted into is copied straight into it.
/// </summary>
internal sealed class SetApplier(NpgsqlConnection target, StatementApplier copier, IdentityAlwaysColumns identities)
{
    private const string OpColumn = "\"backup_core op\"";
    private const string KeepColumn = "\"backup_core keep\"";
    private readonly Dictionary<SegmentRelation, string> _stagingTables = [];

    public async Task ApplyAsync(ReplayGroup group, CancellationToken cancellationToken)
    {
        var transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var staged = group.Tables.Where(t => !t.InsertsOnly).ToList();
            if (staged.Count > 0)
            {
                await CreateStagingTablesAsync(staged, transaction, cancellationToken).ConfigureAwait(false);
                foreach (var table in staged)
                {
                    await copier.CopyAsync(table.Relation, table.Rows.Select(Staged), cancellationToken, _stagingTables[table.Relation], $", {OpColumn}, {KeepColumn}").ConfigureAwait(false);
                }
                await RunSetStatementsAsync(staged, transaction, cancellationToken).ConfigureAwait(false);
            }
            foreach (var table in group.Tables.Where(t => t.InsertsOnly))
            {
                await copier.CopyAsync(table.Relation, table.Rows.Select(r => new CopyRow(r.Values)), cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // The operation and, for a partial update, which columns keep their value ('1'), after the row's values.
    private static CopyRow Staged(NetRow row) => new(row.Values, row.Action switch
    {
        NetRowAction.Delete => "\tD\t\\N",
        NetRowAction.Upsert => "\tU\t\\N",
        _ => "\tK\t" + string.Concat(row.Values.Select(v => v.Kind == ColumnValueKind.UnchangedToast ? '1' : '0')),
    });

    // Staging tables live for the session and empty themselves at each commit; one per table shape.
    private async Task CreateStagingTablesAsync(List<NetTableChanges> tables, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(target, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var table in tables.Where(t => !_stagingTables.ContainsKey(t.Relation)))
            {
                var name = "backup_core_replay_" + _stagingTables.Count.ToString(CultureInfo.InvariantCulture);
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"CREATE TEMP TABLE {name} ON COMMIT DELETE ROWS AS SELECT {ReplaySql.ColumnList(table.Relation)}, NULL::\"char\" AS {OpColumn}, NULL::text AS {KeepColumn} FROM {ReplaySql.Table(table.Relation)} WITH NO DATA"));
                _stagingTables[table.Relation] = "pg_temp." + name;
            }
            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunSetStatementsAsync(List<NetTableChanges> tables, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(target, transaction);
        await using (batch.ConfigureAwait(false))
        {
            // Every delete first: a key freed in one row may be taken by another (unique columns).
            foreach (var table in tables)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"DELETE FROM {ReplaySql.Table(table.Relation)} t USING {_stagingTables[table.Relation]} s WHERE s.{OpColumn} = 'D' AND {KeyMatch(table)}"));
            }
            var keeping = new List<(NpgsqlBatchCommand Command, int Expected)>();
            foreach (var table in tables)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(Upsert(table)));
                var partial = table.Rows.Count(r => r.Action == NetRowAction.UpdateKeeping);
                if (partial > 0)
                {
                    var command = new NpgsqlBatchCommand(UpdateKeeping(table));
                    batch.BatchCommands.Add(command);
                    keeping.Add((command, partial));
                }
            }
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (command, expected) in keeping)
            {
                if (command.RecordsAffected != expected)
                {
                    throw new BackupIntegrityException($"Replay expected to update {expected} existing row(s) but found {command.RecordsAffected}: the restored database does not match the change stream.");
                }
            }
        }
    }

    private string Upsert(NetTableChanges table)
    {
        var relation = table.Relation;
        var columns = ReplaySql.ColumnList(relation);
        var keys = table.Key.Columns.Select(i => SqlIdentifier.Quote(relation.Columns[i].Name));
        var others = relation.Columns.Where((c, i) => !table.Key.Columns.Contains(i) && identities.Updatable(relation, c.Name)).Select(c => SqlIdentifier.Quote(c.Name)).ToList();
        var onConflict = others.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", others.Select(c => $"{c} = EXCLUDED.{c}"));
        return $"{ReplaySql.InsertInto(relation)} SELECT {columns} FROM {_stagingTables[relation]} WHERE {OpColumn} = 'U' ON CONFLICT ({string.Join(", ", keys)}) {onConflict}";
    }

    private string UpdateKeeping(NetTableChanges table)
    {
        var relation = table.Relation;
        var sets = new StringBuilder();
        for (var i = 0; i < relation.Columns.Count; i++)
        {
            if (!identities.Updatable(relation, relation.Columns[i].Name))
            {
                continue;
            }
            var name = SqlIdentifier.Quote(relation.Columns[i].Name);
            sets.Append(sets.Length > 0 ? ", " : "").Append(CultureInfo.InvariantCulture, $"{name} = CASE WHEN substr(s.{KeepColumn}, {i + 1}, 1) = '1' THEN t.{name} ELSE s.{name} END");
        }
        return $"UPDATE {ReplaySql.Table(relation)} t SET {sets} FROM {_stagingTables[relation]} s WHERE s.{OpColumn} = 'K' AND {KeyMatch(table)}";
    }

    private static string KeyMatch(NetTableChanges table) =>
        string.Join(" AND ", table.Key.Columns.Select(i => SqlIdentifier.Quote(table.Relation.Columns[i].Name)).Select(c => $"t.{c} = s.{c}"));
}
