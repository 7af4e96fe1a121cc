using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// The replication slots of one database's change-capture chains: named
/// <c>SlotName_store_chain</c> so that a store can tell its own slots from another store's,
/// listed with the WAL each holds back, and dropped.
/// </summary>
internal sealed class ChainSlots(PostgresConnectionInfo connection, PostgresOptions options, ILogger logger)
{
    // NAMEDATALEN - 1: PostgreSQL's limit on a slot's name.
    private const int MaxSlotNameLength = 63;

    // LIKE pattern of every chain slot of this engine: the configured name, an underscore, anything.
    private string ChainSlotPattern => options.SlotName.Replace("_", "\\_", StringComparison.Ordinal) + "\\_%";

    /// <summary>
    /// The replication slot of the chain started by the full backup <paramref name="chainId"/> of
    /// the store <paramref name="storeId"/> (<see cref="Catalog.StoreIdentity"/>):
    /// <c>SlotName_store_chain</c>. Without a store, the name earlier versions gave (<c>SlotName_chain</c>).
    /// </summary>
    /// <exception cref="BackupConfigurationException">The name would not be a valid slot name (lower-case letters, digits, underscores; at most 63 bytes).</exception>
    public string SlotFor(string chainId, string? storeId)
    {
        var name = $"{options.SlotName}_{(storeId is null ? "" : storeId + "_")}{chainId.ToLowerInvariant().Replace('-', '_')}";
        if (name.Length > MaxSlotNameLength || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            throw new BackupConfigurationException("Backup:Postgres:SlotName",
                $"The slot name '{name}' made from Backup:Postgres:SlotName '{options.SlotName}' is not a valid replication slot name: it may hold lower-case letters, digits and underscores only, and at most {MaxSlotNameLength} of them (the store and chain ids take {name.Length - options.SlotName.Length}).");
        }
        return name;
    }

    /// <summary>Whether <paramref name="slotName"/> is a chain slot named for the store <paramref name="storeId"/> by <see cref="SlotFor"/>.</summary>
    public bool IsStoreSlot(string slotName, string storeId) => slotName.StartsWith($"{options.SlotName}_{storeId}_", StringComparison.Ordinal);

    // One for the engine's life: it remembers which slots wait for an incremental.
    private readonly SlotHeartbeat _heartbeat = new(connection, options.PublicationName);

    /// <summary>See <see cref="SlotHeartbeat.BeatAsync"/>.</summary>
    public Task<ulong?> HeartbeatAsync(string slotName, CancellationToken cancellationToken) => _heartbeat.BeatAsync(slotName, cancellationToken);

    /// <summary>Change capture on one chain's slot.</summary>
    public ChangeCapture Capture(string slotName) => new(connection, slotName, options.PublicationName);

    /// <summary>The chain slots in the database (of any store) and the WAL each retains.</summary>
    public async Task<IReadOnlyList<SlotStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            var query = new NpgsqlCommand(
                "SELECT slot_name::text, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint, active FROM pg_replication_slots WHERE database = current_database() AND slot_name LIKE $1 ORDER BY 1",
                open)
            {
                Parameters = { new() { Value = ChainSlotPattern } },
            };
            await using (query.ConfigureAwait(false))
            {
                var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var slots = new List<SlotStatus>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        slots.Add(new SlotStatus(reader.GetString(0), reader.GetInt64(1), reader.GetBoolean(2)));
                    }
                    return slots;
                }
            }
        }
    }

    /// <summary>Drops a slot no stored backup uses; a failure is logged, not thrown, so that it never hides the error that made the slot unused.</summary>
    public async Task DropQuietlyAsync(string slotName)
    {
        try
        {
            await Capture(slotName).DropSlotAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BackupDatabaseException or NpgsqlException)
        {
            // Named in the log so it can be dropped by hand.
            Log.SlotNotDropped(logger, slotName, ex.Message);
        }
    }

    /// <summary>
    /// Drops every inactive chain slot that <paramref name="isOwn"/> claims except <paramref name="keepSlot"/>
    /// (a newer full backup superseded them). Slots of other stores' chains are left alone.
    /// </summary>
    public async Task DropOthersAsync(string keepSlot, Func<string, bool> isOwn, CancellationToken cancellationToken)
    {
        foreach (var slot in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (slot.Name == keepSlot || slot.Active || !isOwn(slot.Name))
            {
                continue;
            }
            try
            {
                await Capture(slot.Name).DropSlotAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // Became active since it was listed: an incremental of that chain is running; the next full backup drops it.
            }
        }
    }
}
