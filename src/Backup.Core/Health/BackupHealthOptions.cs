namespace Backup.Core.Health;

/// <summary>When the backup health check says unhealthy or degraded (section <c>Backup:Health</c>).</summary>
public sealed class BackupHealthOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Backup:Health";

    /// <summary>The newest completed backup must be younger than this (default 26 hours: a daily backup, with slack).</summary>
    public TimeSpan MaxBackupAge { get; set; } = TimeSpan.FromHours(26);

    /// <summary>Unhealthy when this many of the newest backups all failed (default 3).</summary>
    public int FailuresInARow { get; set; } = 3;

    /// <summary>Unhealthy when a change-capture slot holds more WAL than this many MB (default: the slot lag limit, or 1024).</summary>
    public long? MaxSlotLagMegabytes { get; set; }

    /// <summary>
    /// A verdict is reused for this long (default 30 seconds; zero turns the cache off): a check
    /// reads every manifest, and probes or scrapers call it often.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While there is no completed backup yet, the check says Degraded for this long after the
    /// host's first check (a fresh install has had no chance to back up), then the registration's
    /// failure status. No grace while the store holds failed backups and no completed one (the
    /// grace restarts with every deploy; failures do not). Default: <see cref="MaxBackupAge"/> (a daily backup has a day and its slack).
    /// </summary>
    public TimeSpan? FirstBackupGrace { get; set; }

    /// <summary>How long the check waits for the database to answer <c>SELECT 1</c> (default 5 seconds).</summary>
    public TimeSpan DatabaseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the check waits for the store's listing of the catalog (default 10 seconds).</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
