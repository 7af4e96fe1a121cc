namespace Backup.Core.Operations;

/// <summary>A materialized view of a recovered database, and what its contents are as of.</summary>
/// <param name="Name">schema.name</param>
/// <param name="State">What recovery did with it.</param>
public sealed record RecoveredMaterializedView(string Name, MaterializedViewState State);

/// <summary>
/// What a materialized view's contents are after recovery. A <c>REFRESH MATERIALIZED VIEW</c> is
/// not in the change stream, so replay never changes a view's contents by itself.
/// </summary>
public enum MaterializedViewState
{
    /// <summary>Refreshed at the end of recovery: computed from the recovered tables (<see cref="PointInTimeOptions.RefreshMaterializedViews"/>).</summary>
    Refreshed,

    /// <summary>
    /// As pg_restore computed it from the full backup's tables: a refresh in the source after the
    /// full backup is missing, and a view that was stale in the source at the full backup is fresh here.
    /// </summary>
    AsOfFullBackup,

    /// <summary>Not populated in the source at the full backup (<c>WITH NO DATA</c>), and left so.</summary>
    NotPopulated,

    /// <summary>
    /// As the source had it at the target: a chain that captures schema changes replays each
    /// REFRESH MATERIALIZED VIEW at its place, so nothing is recomputed at the end (one stale in the
    /// source at the full backup and not refreshed since is fresh as of the full backup).
    /// </summary>
    Replayed,
}
