
namespace Backup.Core.Operations;

/// <summary>What a restore of chosen tables restores and leaves out, read from the archive's table of contents.</summary>
public sealed record TableRestorePlan
{
    /// <summary>Tables whose definitions are restored (<c>schema.table</c>, sorted): the chosen ones, their partitions and the partitioned tables above them.</summary>
    public required IReadOnlyList<string> Tables { get; init; }

    /// <summary>Tables whose rows are restored: the chosen ones and their partitions (a parent brought in for a chosen partition comes without rows of its own).</summary>
    public required IReadOnlyList<string> TablesWithData { get; init; }

    /// <summary>Tables restored although not chosen, and why.</summary>
    public required IReadOnlyList<RestoreObject> BroughtIn { get; init; }

    /// <summary>Objects of the backup left out, and why. A left-out table stands for its data, indexes, constraints, triggers and comments.</summary>
    public required IReadOnlyList<RestoreObject> LeftOut { get; init; }

    /// <summary>The <c>pg_restore --use-list</c> text that restores exactly this.</summary>
    internal string List { get; init; } = "";

    /// <summary>Tables not restored that a restored table's foreign key references (<c>schema.table</c>): its foreign key is left out.</summary>
    internal IReadOnlyList<string> MissingReferences { get; init; } = [];
}
