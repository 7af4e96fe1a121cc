using Backup.Core.Abstractions;

namespace Backup.Core.Catalog;

/// <summary>Which backups to list. Every filter is optional; results come newest first.</summary>
public sealed record BackupQuery
{
    /// <summary>Only this type.</summary>
    public BackupType? Type { get; init; }

    /// <summary>Only backups of this database.</summary>
    public string? Database { get; init; }

    /// <summary>Only backups started at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only backups started before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this status; completed and failed when null.</summary>
    public BackupStatus? Status { get; init; }

    /// <summary>At most this many.</summary>
    public int? Limit { get; init; }
}
