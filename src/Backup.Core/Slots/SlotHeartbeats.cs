using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Slots;

/// <summary>
/// Heartbeats on the slots of this store's change-capture chains, so that a database with no writes
/// does not hold back the WAL the rest of the cluster writes (see <c>Postgres/SlotHeartbeat</c>).
/// </summary>
/// <remarks>
/// Only the slots a stored full backup names, of chains not broken: a slot whose full backup is still
/// running is left to it, and a slot nobody claims is the orphan cleanup's.
/// </remarks>
internal sealed class SlotHeartbeats(SlotGuard guard, BackupCatalog catalog, ILogger logger)
{
    /// <summary>Sends one heartbeat per chain slot; returns the slots whose confirmed position moved.</summary>
    public async Task<IReadOnlyList<string>> SendAsync(CancellationToken cancellationToken)
    {
        if (guard.ChangeCaptureSlots is not { } engine)
        {
            return [];
        }
        var existing = (await engine.ListAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (existing.Count == 0)
        {
            return [];
        }
        var fulls = await catalog.ListAllAsync(new BackupQuery { Type = BackupType.Full, Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false);
        var chainSlots = fulls
            .Where(f => !f.Properties.ContainsKey(ManifestProperties.ChainBroken))
            .Select(f => f.Properties.GetValueOrDefault(ManifestProperties.Slot))
            .OfType<string>()
            .Where(existing.Contains)
            .Distinct(StringComparer.Ordinal);
        var moved = new List<string>();
        foreach (var slot in chainSlots)
        {
            if (await engine.HeartbeatAsync(slot, cancellationToken).ConfigureAwait(false) is { } lsn)
            {
                Log.SlotHeartbeatAdvanced(logger, slot, lsn);
                moved.Add(slot);
            }
        }
        return moved;
    }
}
