using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Engine;

/// <summary>What a full backup's dump yielded: the engine's report, and the typed facts the manifest's fields take.</summary>
/// <param name="Result">The engine's report (its <see cref="EngineBackupResult.Properties"/> go into the manifest as they are).</param>
/// <param name="SnapshotAt">The server time of the dump's snapshot.</param>
/// <param name="StartLsn">For a dump that starts a chain, the WAL position where the dump and the slot's change stream meet.</param>
/// <param name="ChainSlot">For a dump that starts a chain, its replication slot.</param>
internal sealed record DatabaseDump(EngineBackupResult Result, DateTimeOffset? SnapshotAt, string? StartLsn, string? ChainSlot)
{
    /// <summary>For a dump taken in parts, the table data parts stored besides the archive.</summary>
    public IReadOnlyList<TableDataPart> Parts { get; init; } = [];
}
