using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Engine;
using Npgsql;

namespace Backup.Core.Postgres;

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
                if (chosen.Count == 0)
                {
                    throw await UncoveredTimestampColumn.RefusalAsync(open, transaction, column, cancellationToken).ConfigureAwait(false);
                }
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

    // Every table with the timestamp column and a primary key (the upsert needs one), or exactly the tables asked for.
    // Rows are read from leaf tables only (a partitioned parent holds none of its own), so no row leaves twice.
    private async Task<(List<(uint Oid, string Schema, string Name)> Chosen, List<string> NotCovered)> ChooseTablesAsync(
        NpgsqlConnection open, NpgsqlTransaction transaction, IReadOnlyList<string>? requested, CancellationToken cancellationToken)
    {
        var all = new List<LeafTable>();
        var command = new NpgsqlCommand(
            """
            SELECT c.oid, n.nspname, c.relname,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = $1 AND a.attnum > 0 AND NOT a.attisdropped),
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                   (SELECT rn.nspname || '.' || r.relname FROM pg_class r JOIN pg_namespace rn ON rn.oid = r.relnamespace
                    WHERE c.relispartition AND r.oid = pg_partition_root(c.oid))
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
                    all.Add(new LeafTable(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4),
                        await reader.IsDBNullAsync(5, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(5)));
                }
            }
        }
        var chosen = requested is null ? all.Where(t => t.HasColumn && t.HasKey).ToList() : Requested(all, requested);
        return (chosen.Select(t => (t.Oid, t.Schema, t.Name)).ToList(), NotCovered(all, chosen));
    }

    private List<LeafTable> Requested(List<LeafTable> all, IReadOnlyList<string> requested)
    {
        var chosen = new List<LeafTable>();
        foreach (var name in requested)
        {
            var (schema, table) = SqlIdentifier.SplitQualified(name);
            // A partitioned table stands for its partitions, where its rows are.
            var found = all.Where(t => (t.Schema == schema && t.Name == table) || t.Root == $"{schema}.{table}").ToList();
            if (found.Count == 0)
            {
                throw new BackupException($"Tables: the table {schema}.{table} does not exist.");
            }
            if (!found.All(t => t.HasColumn))
            {
                throw new BackupException($"Tables: the table {schema}.{table} has no column '{column}', which timestamp-mode incrementals select rows by (PostgresOptions.TimestampColumn).");
            }
            if (!found.All(t => t.HasKey))
            {
                throw new BackupException($"Tables: the table {schema}.{table} has no primary key, which replaying a timestamp-mode incremental upserts by.");
            }
            chosen.AddRange(found.Where(t => !chosen.Contains(t)));
        }
        return chosen;
    }

    // A partitioned table whose partitions are all left out is named once, as its users know it, not partition by partition.
    private static List<string> NotCovered(List<LeafTable> all, List<LeafTable> chosen)
    {
        var left = all.Where(t => !chosen.Contains(t)).ToList();
        var wholeRoots = left.Where(t => t.Root is not null).Select(t => t.Root!).Distinct(StringComparer.Ordinal)
            .Where(root => !chosen.Any(t => t.Root == root)).ToHashSet(StringComparer.Ordinal);
        return left.Where(t => t.Root is null || !wholeRoots.Contains(t.Root)).Select(t => t.QualifiedName)
            .Concat(wholeRoots).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A table that holds rows itself: an ordinary table or a partition (<see cref="Root"/> names its partitioned table).</summary>
    private sealed record LeafTable(uint Oid, string Schema, string Name, bool HasColumn, bool HasKey, string? Root)
    {
        public string QualifiedName => $"{Schema}.{Name}";
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
        var values = string.Join(", ", relation.Columns.Select(c => SqlIdentifier.Quote(c.Name) + "::text"));
        var table = $"{SqlIdentifier.Quote(relation.Schema)}.{SqlIdentifier.Quote(relation.Name)}";
        // ONLY: a table with inheritance children would return their rows too, which are exported from the children themselves.
        var command = new NpgsqlCommand($"SELECT {values} FROM ONLY {table} WHERE {SqlIdentifier.Quote(column)} >= $1", open, transaction)
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
