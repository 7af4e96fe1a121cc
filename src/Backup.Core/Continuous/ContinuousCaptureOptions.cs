namespace Backup.Core.Continuous;

/// <summary>
/// Continuous change capture (<c>Backup:Postgres:ContinuousCapture</c>): a hosted service keeps the
/// newest chain's replication slot open and stores what it receives as change segments every
/// <see cref="FlushInterval"/>, so the recovery point is seconds old instead of a schedule's interval.
/// </summary>
public sealed class ContinuousCaptureOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Backup:Postgres:ContinuousCapture";

    /// <summary>Whether the hosted service runs (it needs change capture on and a full backup that started a chain). Default off.</summary>
    public bool Enabled { get; set; }

    /// <summary>The longest a committed transaction waits before its segment is cut and stored. Default one second.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A segment is cut earlier once it holds this many bytes (before compression). Default 16 MiB.</summary>
    public long MaxSegmentBytes { get; set; } = 16 << 20;

    /// <summary>
    /// How long the stream may stay silent before a marker transaction is written, so that an idle
    /// database's recovery point still moves (each marker becomes a small segment, merged later by
    /// compaction). Default ten seconds.
    /// </summary>
    public TimeSpan IdleMarkerInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where segments wait for the store (compressed and encrypted like in the store). Default: a
    /// folder under the system's temporary folder, named for the database.
    /// </summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>
    /// The most the spool may hold while the store is unreachable. Past it the capture stops reading
    /// the slot: the server keeps the WAL instead, and the slot-lag limit and health check take over.
    /// Default 1024.
    /// </summary>
    public long SpoolLimitMegabytes { get; set; } = 1024;

    /// <summary>
    /// Segments older than this are merged into one per hour (<see cref="BackupService.CompactSegmentsAsync"/>),
    /// checked every ten minutes while capture runs, so that a chain does not grow by thousands of
    /// tiny objects a day (slow to list, and paid per request on S3). Default one hour; null: never.
    /// </summary>
    public TimeSpan? CompactAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest wait between two attempts to reconnect to the database or to reach the store. Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public override string ToString() => $"ContinuousCaptureOptions(Enabled={Enabled}, FlushInterval={FlushInterval}, MaxSegmentBytes={MaxSegmentBytes}, SpoolLimitMegabytes={SpoolLimitMegabytes})";
}
