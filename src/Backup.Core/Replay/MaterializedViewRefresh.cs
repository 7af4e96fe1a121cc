using Backup.Core.Operations;
using Backup.Core.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Backup.Core.Replay;

/// <summary>
/// Brings a recovered database's materialized views up to its recovered tables. Replay cannot do
/// it (a refresh is not a row change, so it is not in the change stream), which leaves each view as
/// pg_restore computed it from the full backup — unless the chain captures schema changes, whose
/// refreshes are replayed in place. Views are refreshed after the views they read,
/// through plain views too; one never populated stays unpopulated, as it was in the source.
/// </summary>
internal static class MaterializedViewRefresh
{
    /// <param name="target">The recovered database.</param>
    /// <param name="refresh">Whether to refresh the views.</param>
    /// <param name="replayed">The chain captured schema changes: its refreshes were replayed, and the views are as the source had them.</param>
    /// <param name="logger">Where a view that could not be refreshed is reported.</param>
    /// <param name="cancellationToken">Cancels the refreshes.</param>
    public static async Task<IReadOnlyList<RecoveredMaterializedView>> RunAsync(NpgsqlConnection target, bool refresh, bool replayed, ILogger logger, CancellationToken cancellationToken)
    {
        var (views, readsFrom) = await ListAsync(target, cancellationToken).ConfigureAwait(false);
        var result = new List<RecoveredMaterializedView>();
        foreach (var view in DependenciesFirst(views.Keys, readsFrom))
        {
            var (name, populated) = views[view];
            var state = !populated ? MaterializedViewState.NotPopulated
                : refresh && await TryRefreshAsync(target, name, logger, cancellationToken).ConfigureAwait(false) ? MaterializedViewState.Refreshed
                : replayed ? MaterializedViewState.Replayed
                : MaterializedViewState.AsOfFullBackup;
            result.Add(new RecoveredMaterializedView(name, state));
        }
        return result;
    }

    private static async Task<bool> TryRefreshAsync(NpgsqlConnection target, string name, ILogger logger, CancellationToken cancellationToken)
    {
        var (schema, view) = SqlIdentifier.SplitQualified(name);
        var command = new NpgsqlCommand($"REFRESH MATERIALIZED VIEW {SqlIdentifier.Quote(schema)}.{SqlIdentifier.Quote(view)}", target) { CommandTimeout = 0 };
        await using (command.ConfigureAwait(false))
        {
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // Only the owner may refresh; the recovered database stays usable, its view as of the full backup.
                Log.MaterializedViewNotRefreshed(logger, name, ex.MessageText);
                return false;
            }
        }
    }

    private static async Task<(Dictionary<uint, (string Name, bool Populated)> Views, List<(uint View, uint ReadsFrom)> ReadsFrom)> ListAsync(NpgsqlConnection target, CancellationToken cancellationToken)
    {
        var views = new Dictionary<uint, (string, bool)>();
        var readsFrom = new List<(uint, uint)>();
        // The relations each view's query reads, followed through plain views down to other materialized views.
        var command = new NpgsqlCommand(
            """
            SELECT c.oid, n.nspname || '.' || c.relname, c.relispopulated, NULL::oid
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'm' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
            UNION ALL
            (WITH RECURSIVE reads(view, relation) AS (
                SELECT r.ev_class, d.refobjid
                FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class AND v.relkind = 'm'
                JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
              UNION
                SELECT reads.view, d.refobjid
                FROM reads JOIN pg_class p ON p.oid = reads.relation AND p.relkind = 'v'
                JOIN pg_rewrite r ON r.ev_class = p.oid
                JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> p.oid)
            SELECT reads.view, NULL, NULL, reads.relation FROM reads JOIN pg_class m ON m.oid = reads.relation AND m.relkind = 'm' AND m.oid <> reads.view)
            """,
            target) { CommandTimeout = 0 };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (await reader.IsDBNullAsync(3, cancellationToken).ConfigureAwait(false))
                    {
                        views[reader.GetFieldValue<uint>(0)] = (reader.GetString(1), reader.GetBoolean(2));
                    }
                    else
                    {
                        readsFrom.Add((reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(3)));
                    }
                }
            }
        }
        return (views, readsFrom);
    }

    // Depth-first: a view comes after every view it reads (PostgreSQL refuses cycles among views, so there are none).
    private static List<uint> DependenciesFirst(IEnumerable<uint> views, List<(uint View, uint ReadsFrom)> readsFrom)
    {
        var ordered = new List<uint>();
        var seen = new HashSet<uint>();
        void Visit(uint view)
        {
            if (!seen.Add(view))
            {
                return;
            }
            foreach (var (_, dependency) in readsFrom.Where(r => r.View == view))
            {
                Visit(dependency);
            }
            ordered.Add(view);
        }
        foreach (var view in views.Order())
        {
            Visit(view);
        }
        return ordered;
    }
}
