using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>Short sessions on the engine's server: its clock, and a connection tuned for replay.</summary>
internal static class ServerSessions
{
    /// <summary>Opens a connection for replaying changes into <paramref name="database"/> on this server.</summary>
    public static async Task<NpgsqlConnection> OpenForReplayAsync(PostgresConnectionInfo server, string database, CancellationToken cancellationToken)
    {
        var connection = await server.WithDatabase(database).OpenAsync(cancellationToken, "Backup.Core replay", pooled: false).ConfigureAwait(false);
        // A database being recovered is redone from scratch if the server crashes: waiting for each commit to be flushed buys nothing.
        var asynchronous = new NpgsqlCommand("SET synchronous_commit = off", connection);
        await using (asynchronous.ConfigureAwait(false))
        {
            await asynchronous.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return connection;
    }

    /// <summary>The server's clock now.</summary>
    public static async Task<DateTimeOffset> ClockAsync(PostgresConnectionInfo server, CancellationToken cancellationToken)
    {
        var connection = await server.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var now = new NpgsqlCommand("SELECT clock_timestamp()", connection);
            await using (now.ConfigureAwait(false))
            {
                return CaptureResult.Utc((DateTime)(await now.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
            }
        }
    }
}
