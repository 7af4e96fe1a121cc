using Backup.Core.Operations;

namespace Backup.AspNetCore;

/// <summary>Body of <c>POST files</c>: a file backup's name and options.</summary>
public sealed record FileBackupRequest
{
    /// <summary>The backup's name.</summary>
    public required string Name { get; init; }

    /// <summary>Directories and patterns.</summary>
    public required FileBackupOptions Options { get; init; }
}

/// <summary>Body of <c>POST restore/point-in-time</c>.</summary>
public sealed record PointInTimeRequest
{
    /// <summary>The moment to recover; the latest state when null (and no <see cref="BeforeMigration"/>).</summary>
    public DateTimeOffset? Target { get; init; }

    /// <summary>Recover to just before this migration, the point its pre-migration backup recorded; instead of <see cref="Target"/>.</summary>
    public string? BeforeMigration { get; init; }

    /// <summary>Recovery options.</summary>
    public PointInTimeOptions Options { get; init; } = new();
}
