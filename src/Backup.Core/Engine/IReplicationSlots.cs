using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.Core.Engine;

/// <summary>The replication slots of change-capture chains: naming, listing and dropping.</summary>
internal interface IReplicationSlots : IDatabase
{
    /// <summary>The slot of the chain started by the full backup <paramref name="chainId"/> of the store <paramref name="storeId"/>.</summary>
    /// <exception cref="BackupConfigurationException">The name would not be a valid slot name.</exception>
    string SlotFor(string chainId, string? storeId);

    /// <summary>Whether <paramref name="slotName"/> is a chain slot named for the store <paramref name="storeId"/>.</summary>
    bool IsStoreSlot(string slotName, string storeId);

    /// <summary>The chain slots of the database (of any store) and the WAL each retains.</summary>
    Task<IReadOnlyList<SlotStatus>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Writes a heartbeat on the database and moves the slot past it when no unacknowledged change comes before it; returns the position it moved to (an LSN), or null.</summary>
    Task<string?> HeartbeatAsync(string slotName, CancellationToken cancellationToken);

    /// <summary>Drops a slot.</summary>
    Task DropAsync(string slotName, CancellationToken cancellationToken);

    /// <summary>Drops a slot no stored backup uses; a failure is logged, not thrown, so that it never hides the error that made the slot unused.</summary>
    Task DropQuietlyAsync(string slotName);

    /// <summary>Drops every inactive chain slot that <paramref name="isOwn"/> claims except <paramref name="keepSlot"/>.</summary>
    Task DropOthersAsync(string keepSlot, Func<string, bool> isOwn, CancellationToken cancellationToken);
}
