using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Postgres;

namespace Backup.Core;

/// <summary>Slot safety: a chain's slot that holds too much WAL is dropped and the chain marked broken.</summary>
public sealed partial class BackupService
{
    private string? _storeId;

    /// <summary>Manifest property of a chain's full backup whose slot was dropped: why and when.</summary>
    internal const string ChainBrokenProperty = "chainBroken";

    /// <summary>
    /// Drops every chain slot holding more WAL than <see cref="PostgresOptions.MaxSlotLagMegabytes"/>
    /// and marks its chain broken in the full backup's manifest. Returns the slots dropped. Does
    /// nothing without change capture or a limit.
    /// </summary>
    public async Task<IReadOnlyList<string>> EnforceSlotLagLimitAsync(CancellationToken cancellationToken = default)
    {
        if (_engine is not { ChangeCaptureEnabled: true, MaxSlotLagBytes: not null } engine)
        {
            return [];
        }
        var fulls = await FullBackupsAsync(cancellationToken).ConfigureAwait(false);
        return await EnforceSlotLagLimitAsync(engine, await OwnSlotsAsync(engine, fulls, cancellationToken).ConfigureAwait(false), fulls, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The identity of this service's store (<see cref="StoreIdentity"/>), read or made once.</summary>
    private async Task<string> StoreIdAsync(CancellationToken cancellationToken) =>
        _storeId ??= await StoreIdentity.GetOrCreateAsync(_pipeline.Storage, cancellationToken).ConfigureAwait(false);

    // Another store's chains (a second store, a second host) are not this store's to drop or report.
    // The manifests are the caller's (read once per operation): only full backups among them count.
    private async Task<IReadOnlyList<Operations.SlotStatus>> OwnSlotsAsync(PostgresBackupEngine engine, IReadOnlyList<BackupManifest> manifests, CancellationToken cancellationToken)
    {
        var slots = await engine.SlotsAsync(cancellationToken).ConfigureAwait(false);
        if (slots.Count == 0)
        {
            return slots;
        }
        var isOwn = await OwnSlotFilterAsync(engine, manifests, cancellationToken).ConfigureAwait(false);
        return [.. slots.Where(s => isOwn(s.Name))];
    }

    // A slot is this store's when its name carries the store's identity, or when one of the store's
    // full backups names it (chains started before slots were named for their store).
    private async Task<Func<string, bool>> OwnSlotFilterAsync(PostgresBackupEngine engine, IReadOnlyList<BackupManifest> manifests, CancellationToken cancellationToken)
    {
        var storeId = await StoreIdAsync(cancellationToken).ConfigureAwait(false);
        var claimed = ClaimedSlots(manifests);
        return name => engine.IsStoreSlot(name, storeId) || claimed.Contains(name);
    }

    // The slots the store's full backups name.
    private static HashSet<string> ClaimedSlots(IEnumerable<BackupManifest> manifests) =>
        manifests.Where(m => m.Type == BackupType.Full).Select(f => f.Properties.GetValueOrDefault(PostgresBackupEngine.SlotProperty)).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private Task<IReadOnlyList<BackupManifest>> FullBackupsAsync(CancellationToken cancellationToken) =>
        ListBackupsAsync(new BackupQuery { Type = BackupType.Full }, cancellationToken);

    // Slots named for this store that no manifest of it claims: left by a full backup whose process
    // died before it stored its manifest, or by a version that did not drop them. Called under the
    // database's backup lock, so no full backup of this database is between its slot and its manifest.
    private async Task DropOrphanSlotsAsync(PostgresBackupEngine engine, string storeId, CancellationToken cancellationToken)
    {
        var slots = await engine.SlotsAsync(cancellationToken).ConfigureAwait(false);
        var candidates = slots.Where(s => !s.Active && engine.IsStoreSlot(s.Name, storeId)).ToList();
        if (candidates.Count == 0)
        {
            return;
        }
        var claimed = ClaimedSlots(await FullBackupsAsync(cancellationToken).ConfigureAwait(false));
        foreach (var orphan in candidates.Where(s => !claimed.Contains(s.Name)))
        {
            Log.OrphanSlotDropped(_logger, orphan.Name, orphan.RetainedWalBytes);
            await engine.DropSlotQuietlyAsync(orphan.Name).ConfigureAwait(false);
        }
    }

    // On slots and manifests already read (status reads them once for every purpose).
    private async Task<IReadOnlyList<string>> EnforceSlotLagLimitAsync(PostgresBackupEngine engine, IReadOnlyList<Operations.SlotStatus> slots, IReadOnlyList<BackupManifest> manifests, CancellationToken cancellationToken)
    {
        if (engine.MaxSlotLagBytes is not { } limit)
        {
            return [];
        }
        var over = slots.Where(s => s.RetainedWalBytes > limit).ToList();
        if (over.Count == 0)
        {
            return [];
        }
        var fulls = manifests.Where(m => m.Type == BackupType.Full && m.Status == BackupStatus.Completed).ToList();
        foreach (var slot in over)
        {
            var reason = $"its replication slot {slot.Name} held {slot.RetainedWalBytes / (1024 * 1024)} MB of WAL, over the limit of {limit / (1024 * 1024)} MB (Backup:Postgres:MaxSlotLagMegabytes), and was dropped at {_time.GetUtcNow().ToString("u", CultureInfo.InvariantCulture)}";
            await engine.Capture(slot.Name).DropSlotAsync(cancellationToken).ConfigureAwait(false);
            var full = fulls.FirstOrDefault(f => f.Properties.GetValueOrDefault(PostgresBackupEngine.SlotProperty) == slot.Name);
            if (full is not null)
            {
                await MarkChainBrokenAsync(full, reason, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Log.ChainBroken(_logger, "(no full backup found)", reason);
            }
        }
        return [.. over.Select(s => s.Name)];
    }

    // Recorded in the full backup's manifest, so that every later incremental refuses with the reason.
    private async Task MarkChainBrokenAsync(BackupManifest full, string reason, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, string>(full.Properties, StringComparer.Ordinal) { [ChainBrokenProperty] = reason };
        await _catalog.SaveAsync(full with { Properties = properties }, cancellationToken).ConfigureAwait(false);
        Log.ChainBroken(_logger, full.Id, reason);
    }

    private static BackupException ChainBrokenError(string fullId, string reason, Exception? inner) =>
        new($"The change-capture chain of full backup {fullId} is broken: {reason}. Recovery still reaches its last incremental; take a full backup to start a new chain.", inner);
}
