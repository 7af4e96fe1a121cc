using Backup.Core.Catalog;

namespace Backup.Core.Retention;

/// <summary>A backup the plan keeps or deletes, and why.</summary>
public sealed record RetentionDecision(BackupManifest Backup, string Reason);

/// <summary>What retention keeps and deletes; deletions in a safe order (incrementals newest first, then the rest).</summary>
public sealed record RetentionPlan(IReadOnlyList<RetentionDecision> Kept, IReadOnlyList<RetentionDecision> Deleted)
{
    /// <summary>Data objects with no manifest, older than the grace, removed with the plan.</summary>
    public IReadOnlyList<string> OrphanedObjects { get; init; } = [];

    /// <summary>Whether the plan was only computed (nothing deleted).</summary>
    public bool DryRun { get; init; }
}
