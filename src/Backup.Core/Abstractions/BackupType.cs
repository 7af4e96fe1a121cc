namespace Backup.Core.Abstractions;

/// <summary>The kinds of backup.</summary>
public enum BackupType
{
    /// <summary>A complete copy of a database.</summary>
    Full,

    /// <summary>The changes to a database since the previous backup of its chain.</summary>
    Incremental,

    /// <summary>Directories of files.</summary>
    Files,
}
