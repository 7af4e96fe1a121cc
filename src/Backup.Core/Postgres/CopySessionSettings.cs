using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// The session settings under which table data is copied out and loaded back, as pg_dump and
/// pg_restore set them: text COPY output depends on them (dates, intervals, float digits,
/// regclass names), so both sides must agree whatever the server or role sets by default.
/// </summary>
internal static class CopySessionSettings
{
    // row_security off: a table whose policies would hide rows from us fails loudly instead of being copied short.
    private const string Sql =
        "SET search_path = ''; SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; " +
        "SET row_security = off; SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0";

    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>For loads into a restore target, which is dropped whole when anything fails: its commits need not wait for the disk.</summary>
    public static async Task NoCommitWaitAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SET synchronous_commit = off", connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
