using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Postgres;

namespace Backup.Core;

/// <summary>Slot safety: a chain's slot that holds too much WAL is dropped and the chain marked broken.</summary>
public sealed partial class BackupService
{
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
        return await EnforceSlotLagLimitAsync(engine, await engine.SlotsAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    // On slots already read (status reads them once for both purposes).
    private async Task<IReadOnlyList<string>> EnforceSlotLagLimitAsync(PostgresBackupEngine engine, IReadOnlyList<Operations.SlotStatus> slots, CancellationToken cancellationToken)
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
        var fulls = await ListBackupsAsync(new BackupQuery { Type = BackupType.Full, Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false);
        foreach (var slot in over)
        {
            var reason = $"its replication slot {slot.Name} held {slot.RetainedWalBytes / (1024 * 1024)} MB of WAL, over the limit of {limit / (1024 * 1024)} MB (Backup:Postgres:MaxSlotLagMegabytes), and was dropped at {_time.GetUtcNow().ToString("u", CultureInfo.InvariantCulture)}";
            await engine.Capture(slot.Name).DropSlotAsync(cancellationToken).ConfigureAwait(false);
            var full = fulls.FirstOrDefault(f => f.Properties.GetValueOrDefault(PostgresBackupEngine.SlotProperty) == slot.Name);
            if (full is not null)
            {
                var properties = new Dictionary<string, string>(full.Properties, StringComparer.Ordinal) { [ChainBrokenProperty] = reason };
                await _catalog.SaveAsync(full with { Properties = properties }, cancellationToken).ConfigureAwait(false);
            }
            Log.ChainBroken(_logger, full?.Id ?? "(no full backup found)", reason);
        }
        return [.. over.Select(s => s.Name)];
    }
}
