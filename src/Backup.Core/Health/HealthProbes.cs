using Backup.Core.Postgres;

namespace Backup.Core.Health;

/// <summary>The health check's time-limited probes of the database and the store.</summary>
internal static class HealthProbes
{
    /// <summary>
    /// Null when the database answers <c>SELECT 1</c> within <paramref name="timeout"/>; else what
    /// is wrong, naming the database as user@host:port/database (never the password).
    /// </summary>
    public static async Task<string?> DatabaseProblemAsync(string connectionString, TimeSpan timeout, CancellationToken cancellationToken)
    {
        PostgresConnectionInfo database;
        try
        {
            database = PostgresConnectionInfo.Parse(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or Abstractions.BackupConfigurationException)
        {
            return "the database connection string cannot be read";
        }
        try
        {
            await WithinAsync(timeout, async ct =>
            {
                var connection = await database.OpenAsync(ct, "Backup.Core health check").ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var command = connection.CreateCommand();
                    await using (command.ConfigureAwait(false))
                    {
                        command.CommandText = "SELECT 1";
                        await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
                    }
                }
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the database {database} is unreachable: {Reason(ex, timeout)}";
        }
    }

    /// <summary>Runs <paramref name="probe"/>, cancelled after <paramref name="timeout"/> (a <see cref="TimeoutException"/> then).</summary>
    public static async Task<T> WithinAsync<T>(TimeSpan timeout, Func<CancellationToken, Task<T>> probe, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            // WaitAsync: a store or driver that ignores cancellation must not hang the probe; its call is left behind.
            return await probe(limit.Token).WaitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:0.#} s", ex);
        }
    }

    /// <summary>A failure's message for a verdict: the library's or the driver's message, never a type name.</summary>
    public static string Reason(Exception error, TimeSpan timeout) =>
        error is TimeoutException or OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : error.Message;
}
