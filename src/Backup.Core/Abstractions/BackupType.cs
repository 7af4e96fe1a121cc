namespace Backup.Core.Abstractions;

/// <summary>The kinds of backup; for a schedule (<see cref="BackupSchedule.Type"/>) also <see cref="Drill"/>.</summary>
public enum BackupType
{
    /// <summary>A complete copy of a database.</summary>
    Full,

    /// <summary>The changes to a database since the previous backup of its chain.</summary>
    Incremental,

    /// <summary>Directories of files.</summary>
    Files,

    /// <summary>
    /// Not a backup, and never a manifest's type: a schedule of this type runs a restore drill
    /// (<see cref="BackupService.RunRestoreDrillAsync"/>) of the newest backups.
    /// </summary>
    Drill,
}
