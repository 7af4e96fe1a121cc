namespace Backup.Core.Drills;

/// <summary>Restore drills (section <c>Backup:Drills</c>): where they restore, the host's checks, and how old the last good drill may be.</summary>
public sealed class RestoreDrillsOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Backup:Drills";

    /// <summary>Queries run on every drill's restored database, each of which must return <c>true</c>.</summary>
    public IList<DrillCheck> Checks { get; } = [];

    /// <summary>
    /// When set, drills are expected: the health check is unhealthy when none succeeded within this
    /// time (e.g. 8 days for a weekly drill). Unset, only a failed last drill makes it unhealthy.
    /// </summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>
    /// Another PostgreSQL server to restore the drills' scratch databases on (a URL or an Npgsql
    /// connection string; its database part is ignored, the maintenance database is used), so a
    /// drill puts no load on the backed-up server and proves the backups restore elsewhere.
    /// Unset, drills restore on the backed-up server. Its pg_restore is chosen for its version.
    /// </summary>
    public string? TargetConnectionString { get; set; }
}
