using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// One backup of a database at a time, in any process or replica: a session advisory lock on the
/// database itself, held by the backup's connection and released when it closes.
/// </summary>
internal static class DatabaseBackupLock
{
    /// <summary>The lock's key for <paramref name="database"/>, shared by every replica of the host.</summary>
    public static AdvisoryLockKey KeyFor(string database) => AdvisoryLockKey.For(AdvisoryLockKey.DatabaseBackupClass, database);

    /// <summary>Takes the lock on <paramref name="connection"/>: waits for it, or fails at once with <see cref="BackupInProgressException"/>.</summary>
    public static async Task AcquireAsync(NpgsqlConnection connection, string database, bool wait, CancellationToken cancellationToken)
    {
        var key = KeyFor(database);
        if (wait)
        {
            // Blocks until the other backup ends; the cancellation token cancels the wait.
            await key.CallAsync(connection, "pg_advisory_lock", cancellationToken).ConfigureAwait(false);
            return;
        }
        if (await key.CallAsync(connection, "pg_try_advisory_lock", cancellationToken).ConfigureAwait(false) is not true)
        {
            throw new BackupInProgressException(
                $"Another backup of the database '{database}' is in progress (in this or another process); this one was not started. Try again when it ends, or ask to wait for it (WaitIfBusy).");
        }
    }

    /// <summary>Takes the lock on a connection of its own, held until the result is disposed.</summary>
    public static async Task<IAsyncDisposable> HoldAsync(PostgresConnectionInfo info, bool wait, CancellationToken cancellationToken)
    {
        var connection = await info.OpenAsync(cancellationToken, "Backup.Core backup lock", pooled: false).ConfigureAwait(false);
        try
        {
            await AcquireAsync(connection, info.Database, wait, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
