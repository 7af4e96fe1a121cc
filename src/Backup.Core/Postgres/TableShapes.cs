using Backup.Core.Catalog;
using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// The shape of every user table, partitioned tables included — its columns' names and type OIDs,
/// as a change stream describes them — recorded with a chain's full backup (and, for partitions
/// created since, with the incremental that first met them: <see cref="NewPartitions"/>), so that an incremental can tell when a table has
/// changed since (a change stream carries no DDL) and refuse instead of capturing changes that
/// cannot be replayed onto the full backup.
/// </summary>
internal static class TableShapes
{
    /// <summary>The prefix of the manifest properties that hold shapes: <c>shape:schema.table</c> -> <c>col:oid,...</c>.</summary>
    public const string PropertyPrefix = ManifestProperties.TableShapePrefix;

    /// <summary>Reads the shapes as of the exported snapshot <paramref name="snapshotName"/>.</summary>
    public static async Task<Dictionary<string, string>> ReadAsync(PostgresConnectionInfo info, string snapshotName, CancellationToken cancellationToken)
    {
        var connection = await info.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await SnapshotAdoption.AdoptAsync(connection, transaction, snapshotName, cancellationToken).ConfigureAwait(false);
                // Generated columns are not published (PostgreSQL 15), so they are not part of the shape.
                // Partitioned tables ('p') are recorded because a publication with publish_via_partition_root
                // sends their partitions' changes under the parent's name.
                var query = new NpgsqlCommand("""
                    SELECT n.nspname || '.' || c.relname, string_agg(a.attname || ':' || a.atttypid, ',' ORDER BY a.attnum)
                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                      AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
                    GROUP BY 1
                    """, connection, transaction);
                await using (query.ConfigureAwait(false))
                {
                    var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var shapes = new Dictionary<string, string>(StringComparer.Ordinal);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            shapes[reader.GetString(0)] = reader.GetString(1);
                        }
                        return shapes;
                    }
                }
            }
        }
    }

    /// <summary>The shape of a relation as the change stream describes it.</summary>
    public static string Of(Changes.SegmentRelation relation) => string.Join(',', relation.Columns.Select(c => $"{c.Name}:{c.TypeOid}"));

    /// <summary>
    /// Why <paramref name="relation"/> cannot be replayed onto a chain that recorded
    /// <paramref name="recorded"/>, or null when it can. With <paramref name="schemaChangesCaptured"/>,
    /// captured schema changes keep <paramref name="recorded"/> current, so a difference means one
    /// was not captured.
    /// </summary>
    public static string? Mismatch(IReadOnlyDictionary<string, string> recorded, Changes.SegmentRelation relation, string chainId, bool schemaChangesCaptured)
    {
        var table = $"{relation.Schema}.{relation.Name}";
        var uncaptured = schemaChangesCaptured ? " without a recorded schema change (the event trigger backup_core_ddl was disabled or bypassed, e.g. with session_replication_role = replica)" : "";
        if (!recorded.TryGetValue(table, out var shape))
        {
            return $"The table {table} did not exist when the chain's full backup {chainId} was taken{(schemaChangesCaptured ? " and was created" + uncaptured : "")}. Changes to it cannot be replayed onto that backup: take a new full backup (it starts a new chain).";
        }
        if (shape != Of(relation))
        {
            return $"The table {table} changed since the chain's full backup {chainId}{uncaptured} (columns then: {shape}; now: {Of(relation)}). Take a new full backup (it starts a new chain).";
        }
        return null;
    }
}
