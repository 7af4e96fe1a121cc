using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Keeps a heartbeat (<see cref="SlotHeartbeat"/>) off a slot an incremental is draining or
/// acknowledging, in any process or replica: a session advisory lock on the slot's name. A slot
/// serves one process at a time, so without it an incremental that met a heartbeat's peek would
/// fail (55006, the slot is active) — worst after its manifest is stored, when it confirms.
/// </summary>
internal static class SlotUseLock
{
    private static AdvisoryLockKey KeyFor(string slotName) => AdvisoryLockKey.For(AdvisoryLockKey.SlotUseClass, slotName);

    /// <summary>Waits for the lock (a heartbeat holds it for one peek) on a connection of its own, held until the result is disposed.</summary>
    public static async Task<IAsyncDisposable> HoldAsync(PostgresConnectionInfo info, string slotName, CancellationToken cancellationToken)
    {
        var connection = await info.OpenAsync(cancellationToken, "Backup.Core slot lock", pooled: false).ConfigureAwait(false);
        try
        {
            await KeyFor(slotName).CallAsync(connection, "pg_advisory_lock", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes the lock on <paramref name="connection"/> (not pooled: closing it releases the lock) if nobody holds it.</summary>
    public static async Task<bool> TryAcquireAsync(NpgsqlConnection connection, string slotName, CancellationToken cancellationToken) =>
        await KeyFor(slotName).CallAsync(connection, "pg_try_advisory_lock", cancellationToken).ConfigureAwait(false) is true;
}
