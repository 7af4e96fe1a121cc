using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>What a timestamp-mode export found.</summary>
internal sealed record TimestampExportResult(
    DateTimeOffset SnapshotAt, DateTimeOffset NextSince, long Rows, IReadOnlyList<string> Tables, IReadOnlyList<string> NotCovered);

/// <summary>
/// Timestamp-mode incrementals, for servers without logical replication: every row of the chosen
/// tables whose timestamp column is at or after <c>since</c>, read on one snapshot and written as
/// one transaction of inserts, which replay upserts by primary key. Deletes leave no row behind
/// and are not captured; neither is a change that did not move the timestamp column.
/// </summary>
internal sealed class TimestampExport(PostgresConnectionInfo connection, string column)
{
    public async Task<TimestampExportResult> ExportAsync(DateTimeOffset since, IReadOnlyList<string>? tables, bool waitIfBusy, ChangeSegmentWriter writer, CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken, "Backup.Core incremental", pooled: false).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            // Two incrementals of one chain at once would both continue the same parent.
            await DatabaseBackupLock.AcquireAsync(open, connection.Database, waitIfBusy, cancellationToken).ConfigureAwait(false);
            var transaction = await open.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // The first statement takes the snapshot; the oldest open transaction bounds where the next export must look.
                var (snapshotAt, nextSince) = await ClockAsync(open, transaction, cancellationToken).ConfigureAwait(false);
                var (chosen, notCovered) = await ChooseTablesAsync(open, transaction, tables, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(new BeginItem(0, 0, snapshotAt), cancellationToken).ConfigureAwait(false);
                foreach (var (oid, schema, name) in chosen)
                {
                    var relation = await DescribeAsync(open, transaction, oid, schema, name, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(new RelationItem(relation), cancellationToken).ConfigureAwait(false);
                    await ExportRowsAsync(open, transaction, relation, since, writer, cancellationToken).ConfigureAwait(false);
                }
                await writer.WriteAsync(new CommitItem(0, 0), cancellationToken).ConfigureAwait(false);
                await SequenceValues.WriteAsync(open, writer, cancellationToken, transaction).ConfigureAwait(false);
                return new TimestampExportResult(snapshotAt, nextSince, writer.Changes, chosen.Select(t => $"{t.Schema}.{t.Name}").ToList(), notCovered);
            }
        }
    }

    private static async Task<(DateTimeOffset SnapshotAt, DateTimeOffset NextSince)> ClockAsync(NpgsqlConnection open, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            $"SELECT clock_timestamp(), {SnapshotSession.ChangesSinceSql}",
            open, transaction);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1));
            }
        }
    }

    // Every ordinary table with the timestamp column and a primary key (the upsert needs one), or exactly the tables asked for.
    private async Task<(List<(uint Oid, string Schema, string Name)> Chosen, List<string> NotCovered)> ChooseTablesAsync(
        NpgsqlConnection open, NpgsqlTransaction transaction, IReadOnlyList<string>? requested, CancellationToken cancellationToken)
    {
        var all = new List<(uint Oid, string Schema, string Name, bool HasColumn, bool HasKey)>();
        var command = new NpgsqlCommand(
            """
            SELECT c.oid, n.nspname, c.relname,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = $1 AND a.attnum > 0 AND NOT a.attisdropped),
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
            ORDER BY 2, 3
            """,
            open, transaction) { Parameters = { new() { Value = column } } };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    all.Add((reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4)));
                }
            }
        }
        if (requested is null)
        {
            return (all.Where(t => t.HasColumn && t.HasKey).Select(t => (t.Oid, t.Schema, t.Name)).ToList(),
                    all.Where(t => !(t.HasColumn && t.HasKey)).Select(t => $"{t.Schema}.{t.Name}").ToList());
        }
        var chosen = new List<(uint, string, string)>();
        foreach (var name in requested)
        {
            var (schema, table) = PostgresBackupEngine.SplitQualified(name);
            var found = all.FirstOrDefault(t => t.Schema == schema && t.Name == table);
            chosen.Add(found switch
            {
                { Name: null } => throw new BackupException($"Tables: the table {schema}.{table} does not exist."),
                { HasColumn: false } => throw new BackupException($"Tables: the table {schema}.{table} has no column '{column}', which timestamp-mode incrementals select rows by (PostgresOptions.TimestampColumn)."),
                { HasKey: false } => throw new BackupException($"Tables: the table {schema}.{table} has no primary key, which replaying a timestamp-mode incremental upserts by."),
                _ => (found.Oid, found.Schema, found.Name),
            });
        }
        return (chosen, []);
    }

    private static async Task<SegmentRelation> DescribeAsync(NpgsqlConnection open, NpgsqlTransaction transaction, uint oid, string schema, string name, CancellationToken cancellationToken)
    {
        var columns = new List<SegmentColumn>();
        var command = new NpgsqlCommand(
            """
            SELECT a.attname, a.atttypid, a.atttypmod, coalesce(a.attnum = ANY (i.indkey), false), format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
            WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY a.attnum
            """,
            open, transaction) { Parameters = { new() { Value = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid } } };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add(new SegmentColumn(reader.GetString(0), reader.GetFieldValue<uint>(1), reader.GetInt32(2), reader.GetBoolean(3), reader.GetString(4)));
                }
            }
        }
        return new SegmentRelation(oid, schema, name, 'd', columns);
    }

    // Values leave as the server's text output, the form replay hands back to the server's input functions.
    private async Task ExportRowsAsync(NpgsqlConnection open, NpgsqlTransaction transaction, SegmentRelation relation, DateTimeOffset since, ChangeSegmentWriter writer, CancellationToken cancellationToken)
    {
        var values = string.Join(", ", relation.Columns.Select(c => PostgresBackupEngine.Quote(c.Name) + "::text"));
        var table = $"{PostgresBackupEngine.Quote(relation.Schema)}.{PostgresBackupEngine.Quote(relation.Name)}";
        var command = new NpgsqlCommand($"SELECT {values} FROM {table} WHERE {PostgresBackupEngine.Quote(column)} >= $1", open, transaction)
        {
            Parameters = { new() { Value = since } },
        };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new ColumnValue[relation.Columns.Count];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false) ? ColumnValue.Null : ColumnValue.Of(reader.GetString(i));
                    }
                    await writer.WriteAsync(new ChangeItem(new InsertChange(relation.Oid, row)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
