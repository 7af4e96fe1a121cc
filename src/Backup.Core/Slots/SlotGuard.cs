using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Slots;

/// <summary>
/// Keeps change-capture slots from holding WAL nobody needs: tells this store's slots from another
/// store's, drops the orphans a crash left and the slots a newer chain superseded, and drops a
/// slot over the lag limit, marking its chain broken (and telling <paramref name="chainBroken"/>: the full backup's id, or null when none was found, the slot's name, and why).
/// </summary>
internal sealed class SlotGuard(IReplicationSlots? slots, BackupCatalog catalog, TimeProvider time, ILogger logger, Action<string?, string?, string>? chainBroken = null)
{
    private string? _storeId;

    /// <summary>The slots, when change capture is on; null otherwise.</summary>
    public IReplicationSlots? ChangeCaptureSlots => slots is { Settings.CapturesChanges: true } ? slots : null;

    /// <summary>The identity of the store (<see cref="StoreIdentity"/>), read or made once.</summary>
    public async Task<string> StoreIdAsync(CancellationToken cancellationToken) =>
        _storeId ??= await StoreIdentity.GetOrCreateAsync(catalog.Storage, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Drops every chain slot holding more WAL than the limit and marks its chain broken in the
    /// full backup's manifest. Returns the slots dropped. Does nothing without change capture or a limit.
    /// </summary>
    public async Task<IReadOnlyList<string>> EnforceLagLimitAsync(CancellationToken cancellationToken)
    {
        if (ChangeCaptureSlots is not { Settings.MaxSlotLagBytes: not null } engine)
        {
            return [];
        }
        var fulls = await FullBackupsAsync(cancellationToken).ConfigureAwait(false);
        return await EnforceLagLimitAsync(engine, await OwnSlotsAsync(engine, fulls, cancellationToken).ConfigureAwait(false), fulls, cancellationToken).ConfigureAwait(false);
    }

    // Another store's chains (a second store, a second host) are not this store's to drop or report.
    // The manifests are the caller's (read once per operation): only full backups among them count.

    /// <summary>This store's chain slots, of those <paramref name="manifests"/> (the store's, read once by the caller) name or the store's id marks.</summary>
    public async Task<IReadOnlyList<SlotStatus>> OwnSlotsAsync(IReplicationSlots engine, IReadOnlyList<BackupManifest> manifests, CancellationToken cancellationToken)
    {
        var all = await engine.ListAsync(cancellationToken).ConfigureAwait(false);
        if (all.Count == 0)
        {
            return all;
        }
        var isOwn = await OwnSlotFilterAsync(engine, manifests, cancellationToken).ConfigureAwait(false);
        return [.. all.Where(s => isOwn(s.Name))];
    }

    /// <summary>
    /// Slots named for this store that no manifest of it claims: left by a full backup whose process
    /// died before it stored its manifest, or by a version that did not drop them. Call under the
    /// database's backup lock, so no full backup of this database is between its slot and its manifest.
    /// </summary>
    public async Task DropOrphansAsync(IReplicationSlots engine, string storeId, CancellationToken cancellationToken)
    {
        var all = await engine.ListAsync(cancellationToken).ConfigureAwait(false);
        var candidates = all.Where(s => !s.Active && engine.IsStoreSlot(s.Name, storeId)).ToList();
        if (candidates.Count == 0)
        {
            return;
        }
        var claimed = ClaimedSlots(await FullBackupsAsync(cancellationToken).ConfigureAwait(false));
        foreach (var orphan in candidates.Where(s => !claimed.Contains(s.Name)))
        {
            Log.OrphanSlotDropped(logger, orphan.Name, orphan.RetainedWalBytes);
            await engine.DropQuietlyAsync(orphan.Name).ConfigureAwait(false);
        }
    }

    /// <summary>The new chain of <paramref name="keepSlot"/> is stored: this store's older chains' slots would only hold WAL back now.</summary>
    public async Task DropSupersededAsync(IReplicationSlots engine, string keepSlot, CancellationToken cancellationToken)
    {
        var isOwn = await OwnSlotFilterAsync(engine, await FullBackupsAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await engine.DropOthersAsync(keepSlot, isOwn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>On slots and manifests already read (status reads them once for every purpose).</summary>
    public async Task<IReadOnlyList<string>> EnforceLagLimitAsync(IReplicationSlots engine, IReadOnlyList<SlotStatus> own, IReadOnlyList<BackupManifest> manifests, CancellationToken cancellationToken)
    {
        if (engine.Settings.MaxSlotLagBytes is not { } limit)
        {
            return [];
        }
        var over = own.Where(s => s.RetainedWalBytes > limit).ToList();
        if (over.Count == 0)
        {
            return [];
        }
        var fulls = manifests.Where(m => m.Type == BackupType.Full && m.Status == BackupStatus.Completed).ToList();
        foreach (var slot in over)
        {
            var reason = $"its replication slot {slot.Name} held {slot.RetainedWalBytes / (1024 * 1024)} MB of WAL, over the limit of {limit / (1024 * 1024)} MB (Backup:Postgres:MaxSlotLagMegabytes), and was dropped at {time.GetUtcNow().ToString("u", CultureInfo.InvariantCulture)}";
            await engine.DropAsync(slot.Name, cancellationToken).ConfigureAwait(false);
            var full = fulls.FirstOrDefault(f => f.Properties.GetValueOrDefault(ManifestProperties.Slot) == slot.Name);
            if (full is not null)
            {
                await MarkChainBrokenAsync(full, reason, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Log.ChainBroken(logger, "(no full backup found)", reason);
                chainBroken?.Invoke(null, slot.Name, reason);
            }
        }
        return [.. over.Select(s => s.Name)];
    }

    /// <summary>Recorded in the full backup's manifest, so that every later incremental refuses with the reason.</summary>
    public async Task MarkChainBrokenAsync(BackupManifest full, string reason, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, string>(full.Properties, StringComparer.Ordinal) { [ManifestProperties.ChainBroken] = reason };
        await catalog.SaveAsync(full with { Properties = properties }, cancellationToken).ConfigureAwait(false);
        Log.ChainBroken(logger, full.Id, reason);
        chainBroken?.Invoke(full.Id, full.Properties.GetValueOrDefault(ManifestProperties.Slot), reason);
    }

    /// <summary>The error of an incremental on a broken chain.</summary>
    public static BackupException ChainBrokenError(string fullId, string reason, Exception? inner) =>
        new($"The change-capture chain of full backup {fullId} is broken: {reason}. Recovery still reaches its last incremental; take a full backup to start a new chain.", inner);

    // A slot is this store's when its name carries the store's identity, or when one of the store's
    // full backups names it (chains started before slots were named for their store).
    private async Task<Func<string, bool>> OwnSlotFilterAsync(IReplicationSlots engine, IReadOnlyList<BackupManifest> manifests, CancellationToken cancellationToken)
    {
        var storeId = await StoreIdAsync(cancellationToken).ConfigureAwait(false);
        var claimed = ClaimedSlots(manifests);
        return name => engine.IsStoreSlot(name, storeId) || claimed.Contains(name);
    }

    // The slots the store's full backups name.
    private static HashSet<string> ClaimedSlots(IEnumerable<BackupManifest> manifests) =>
        manifests.Where(m => m.Type == BackupType.Full).Select(f => f.Properties.GetValueOrDefault(ManifestProperties.Slot)).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private Task<IReadOnlyList<BackupManifest>> FullBackupsAsync(CancellationToken cancellationToken) =>
        catalog.ListAllAsync(new BackupQuery { Type = BackupType.Full }, cancellationToken);
}
