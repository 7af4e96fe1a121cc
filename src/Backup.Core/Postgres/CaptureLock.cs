using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Marks a chain slot as recorded by continuous capture, in any process or replica: a session
/// advisory lock on the slot's name, held on a connection of its own for as long as the capture
/// runs, across its reconnections. A second capture waits, and an incremental refuses instead of
/// draining the slot: two writers of one chain would fork it, and recovery would follow one
/// branch and lose the other's changes.
/// </summary>
internal static class CaptureLock
{
    private static AdvisoryLockKey KeyFor(string slotName) => AdvisoryLockKey.For(AdvisoryLockKey.CaptureClass, slotName);

    /// <summary>Takes the lock on a new connection (not pooled: closing it releases the lock); null when another process holds it.</summary>
    public static async Task<NpgsqlConnection?> TryTakeAsync(PostgresConnectionInfo info, string slotName, CancellationToken cancellationToken)
    {
        var connection = await info.OpenAsync(cancellationToken, "Backup.Core continuous capture lock", pooled: false).ConfigureAwait(false);
        try
        {
            if (await KeyFor(slotName).CallAsync(connection, "pg_try_advisory_lock", cancellationToken).ConfigureAwait(false) is true)
            {
                return connection;
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Whether a capture holds the lock of <paramref name="slotName"/> now (checked by taking and releasing it on <paramref name="connection"/>).</summary>
    public static async Task<bool> IsHeldAsync(NpgsqlConnection connection, string slotName, CancellationToken cancellationToken)
    {
        var key = KeyFor(slotName);
        if (await key.CallAsync(connection, "pg_try_advisory_lock", cancellationToken).ConfigureAwait(false) is not true)
        {
            return true;
        }
        await key.CallAsync(connection, "pg_advisory_unlock", cancellationToken).ConfigureAwait(false);
        return false;
    }
}
