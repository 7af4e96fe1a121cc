using Backup.Core.Postgres;
using Npgsql;

namespace Backup.Core.Scheduling;

/// <summary>
/// A PostgreSQL session advisory lock per schedule, on the database every replica backs up: the
/// engine they share coordinates them, with no other service. Held on its own connection for the
/// run; a replica that dies releases it with its connection.
/// </summary>
internal sealed class PostgresScheduleRunLock(PostgresConnectionInfo connection) : IScheduleRunLock
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string scheduleId, CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken, "Backup.Core scheduler", pooled: false).ConfigureAwait(false);
        try
        {
            var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('Backup.Core schedule:' || $1))", open) { Parameters = { new() { Value = scheduleId } } };
            await using (command.ConfigureAwait(false))
            {
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                {
                    return open;
                }
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
