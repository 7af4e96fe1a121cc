using Backup.Core.Engine;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>The <see cref="CaptureLock"/> held on its own connection.</summary>
internal sealed class CaptureLease(NpgsqlConnection connection) : ICaptureLease
{
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            var ping = new NpgsqlCommand("SELECT 1", connection);
            await using (ping.ConfigureAwait(false))
            {
                await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the server released the lock with it.
            return false;
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
