namespace Backup.Core.Retention;

/// <summary>
/// What to keep (section <c>Backup:Retention</c>; the age limit is <c>Backup:RetentionDays</c> /
/// BACKUP_RETENTION_DAYS). A backup is kept when any rule keeps it; then whole chains are kept as
/// far as a kept incremental needs them.
/// </summary>
public sealed class RetentionRules
{
    /// <summary>The configuration section the rules bind from.</summary>
    public const string SectionName = "Backup:Retention";

    /// <summary>Keep the newest N full (and N file) backups, whatever their age.</summary>
    public int? KeepLast { get; set; }

    /// <summary>Keep the newest full (and file) backup of each of the newest N days that have one.</summary>
    public int? KeepDaily { get; set; }

    /// <summary>Keep the newest full (and file) backup of each of the newest N ISO weeks that have one.</summary>
    public int? KeepWeekly { get; set; }

    /// <summary>Keep the newest full (and file) backup of each of the newest N months that have one.</summary>
    public int? KeepMonthly { get; set; }

    /// <summary>Data objects with no manifest (a backup that crashed) are removed when older than this (default one day).</summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromDays(1);
}
