namespace Backup.Core.Operations;

/// <summary>Options of one incremental backup (change capture).</summary>
public sealed record IncrementalBackupOptions
{
    /// <summary>Compress with the configured codec (default true).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Encrypt with the configured key; when null, as configured.</summary>
    public bool? Encrypt { get; init; }

    /// <summary>A comment kept in the manifest.</summary>
    public string? Comment { get; init; }

    /// <summary>The schedule that asked for it, recorded in the manifest.</summary>
    public string? ScheduleId { get; init; }
}
