namespace Backup.Core.Drills;

/// <summary>A check of the host's own, run on the drill's scratch database: <see cref="Sql"/> must return one row with one column, <c>true</c>.</summary>
public sealed class DrillCheck
{
    /// <summary>A name for people; a failing drill names the check that failed.</summary>
    public string Name { get; set; } = "";

    /// <summary>A query on the restored database, e.g. <c>SELECT count(*) &gt; 0 FROM orders</c>. It runs in a read-only transaction.</summary>
    public string Sql { get; set; } = "";
}
