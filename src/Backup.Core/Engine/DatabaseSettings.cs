namespace Backup.Core.Engine;

/// <summary>The engine's settings that decide what the features do.</summary>
internal sealed record DatabaseSettings
{
    /// <summary>Whether full backups start change-capture chains.</summary>
    public bool CapturesChanges { get; init; }

    /// <summary>Whether a schema change met by an incremental takes a full backup (a new chain) instead of failing.</summary>
    public bool NewChainOnSchemaChange { get; init; }

    /// <summary>The most WAL a chain's slot may hold before it is dropped, in bytes; no limit when null.</summary>
    public long? MaxSlotLagBytes { get; init; }

    /// <summary>The column timestamp-mode incrementals compare.</summary>
    public string TimestampColumn { get; init; } = "updated_at";

    /// <summary>How far before the previous export's mark the next one starts looking.</summary>
    public TimeSpan TimestampOverlap { get; init; }
}
