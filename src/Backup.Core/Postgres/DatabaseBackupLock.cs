using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// One backup of a database at a time, in any process or replica: a session advisory lock on the
/// database itself, held by the backup's connection and released when it closes.
/// </summary>
internal static class DatabaseBackupLock
{
    // One lock key per database, shared by every replica of the host.
    public const string KeySql = "hashtext('Backup.Core full backup:' || current_database())";

    /// <summary>Takes the lock on <paramref name="connection"/>: waits for it, or fails at once with <see cref="BackupInProgressException"/>.</summary>
    public static async Task AcquireAsync(NpgsqlConnection connection, string database, bool wait, CancellationToken cancellationToken)
    {
        if (wait)
        {
            // Blocks until the other backup ends; the cancellation token cancels the wait.
            var blocking = new NpgsqlCommand($"SELECT pg_advisory_lock({KeySql})", connection) { CommandTimeout = 0 };
            await using (blocking.ConfigureAwait(false))
            {
                await blocking.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({KeySql})", connection);
        await using (command.ConfigureAwait(false))
        {
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                throw new BackupInProgressException(
                    $"Another backup of the database '{database}' is in progress (in this or another process); this one was not started. Try again when it ends, or ask to wait for it (WaitIfBusy).");
            }
        }
    }
}
