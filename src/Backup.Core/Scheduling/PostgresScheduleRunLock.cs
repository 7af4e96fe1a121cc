using Backup.Core.Postgres;

namespace Backup.Core.Scheduling;

/// <summary>
/// A PostgreSQL session advisory lock per schedule, on the database every replica backs up: the
/// engine they share coordinates them, with no other service. Held on its own connection for the
/// run; a replica that dies releases it with its connection.
/// </summary>
internal sealed class PostgresScheduleRunLock(PostgresConnectionInfo connection) : IScheduleRunLock
{
    /// <summary>The lock's key for a schedule, shared by every replica of the host.</summary>
    public static AdvisoryLockKey KeyFor(string scheduleId) => AdvisoryLockKey.For(AdvisoryLockKey.ScheduleRunClass, scheduleId);

    public async Task<IAsyncDisposable?> TryAcquireAsync(string scheduleId, CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken, "Backup.Core scheduler", pooled: false).ConfigureAwait(false);
        try
        {
            if (await KeyFor(scheduleId).CallAsync(open, "pg_try_advisory_lock", cancellationToken).ConfigureAwait(false) is true)
            {
                return open;
            }
        }
        catch
        {
            await open.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await open.DisposeAsync().ConfigureAwait(false);
        return null;
    }
}
