using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Partitions created since a chain's full backup under partitioned tables the chain knows — a
/// schema partitioned by month gains one every month. Their definition follows from the parent
/// (same columns; the bound says which rows), so the chain covers them: replay creates them. A
/// partition that does not have its parent's columns is a schema change like any other.
/// </summary>
internal static class NewPartitions
{
    /// <summary>A partition the chain did not know, with its shape (<see cref="TableShapes"/>).</summary>
    public sealed record Found(SegmentPartition Partition, string Shape)
    {
        public string Table => $"{Partition.Schema}.{Partition.Name}";
    }

    /// <summary>
    /// Every partition (at any depth) of a table in <paramref name="known"/> that is not in it
    /// itself, parents before their partitions. Reads the catalog as of now: a partition created
    /// and dropped between two incrementals is not seen.
    /// </summary>
    /// <exception cref="SchemaChangedException">A new partition of a known table has columns other than its parent's recorded ones.</exception>
    public static async Task<IReadOnlyList<Found>> FindAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, string> known, string chainId, CancellationToken cancellationToken)
    {
        var candidates = new List<(Found Found, string Parent)>();
        var query = new NpgsqlCommand("""
            SELECT n.nspname, c.relname, pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid),
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '' END,
                   (SELECT string_agg(a.attname || ':' || a.atttypid, ',' ORDER BY a.attnum) FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
            WHERE c.relispartition AND c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
            ORDER BY 1, 2
            """, connection);
        await using (query.ConfigureAwait(false))
        {
            var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var partition = new SegmentPartition(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
                    candidates.Add((new Found(partition, reader.IsDBNull(6) ? "" : reader.GetString(6)), $"{partition.ParentSchema}.{partition.ParentName}"));
                }
            }
        }
        var shapes = new Dictionary<string, string>(known, StringComparer.Ordinal);
        var found = new List<Found>();
        // A new partition may itself be partitioned: its own new partitions are accepted once it is.
        for (var progress = true; progress;)
        {
            progress = false;
            foreach (var (candidate, parent) in candidates)
            {
                if (shapes.ContainsKey(candidate.Table) || !shapes.TryGetValue(parent, out var parentShape))
                {
                    continue;
                }
                if (candidate.Shape != parentShape)
                {
                    throw new SchemaChangedException($"The table {candidate.Table}, a partition of {parent} created since the chain's full backup {chainId}, has other columns than {parent} had then ({parentShape}; it has: {candidate.Shape}). Take a new full backup (it starts a new chain).");
                }
                shapes[candidate.Table] = candidate.Shape;
                found.Add(candidate);
                progress = true;
            }
        }
        return found;
    }
}
