using Backup.Core.Abstractions;

namespace Backup.Core.Engine;

/// <summary>What full backups need from the engine: the database's backup lock and a dump, plain or starting a chain.</summary>
internal interface IDatabaseDumper : IDatabase
{
    /// <summary>Takes the database's backup lock on a connection of its own, until disposed.</summary>
    /// <exception cref="BackupInProgressException">Another backup holds it and <paramref name="wait"/> is false.</exception>
    Task<IAsyncDisposable> HoldBackupLockAsync(bool wait, CancellationToken cancellationToken);

    /// <summary>
    /// Dumps the database into <paramref name="destination"/>; with <paramref name="parts"/>, and jobs
    /// configured, in parts: the tables' rows go to <paramref name="parts"/>, the rest to the archive.
    /// </summary>
    Task<DatabaseDump> DumpAsync(EngineBackupRequest request, Stream destination, IDataPartStore? parts, CancellationToken cancellationToken);

    /// <summary>
    /// Dumps the database on the snapshot of a new replication slot (<see cref="IReplicationSlots.SlotFor"/>
    /// of <paramref name="chainId"/> and <paramref name="storeId"/>), so that the dump and the slot's change
    /// stream meet at exactly one WAL position. The slot is dropped when the dump fails.
    /// </summary>
    Task<DatabaseDump> DumpStartingChainAsync(EngineBackupRequest request, string chainId, string? storeId, Stream destination, IDataPartStore? parts, CancellationToken cancellationToken);
}
