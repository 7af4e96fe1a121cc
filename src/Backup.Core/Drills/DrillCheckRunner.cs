using System.Globalization;
using Npgsql;

namespace Backup.Core.Drills;

/// <summary>Runs the host's checks on a drill's restored database, each in a read-only transaction, stopping at the first that fails.</summary>
internal static class DrillCheckRunner
{
    public static async Task<IReadOnlyList<DrillCheckResult>> RunAsync(NpgsqlConnection connection, IEnumerable<DrillCheck> checks, CancellationToken cancellationToken)
    {
        var results = new List<DrillCheckResult>();
        foreach (var check in checks)
        {
            var result = await RunOneAsync(connection, check, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (!result.Passed)
            {
                break;
            }
        }
        return results;
    }

    private static async Task<DrillCheckResult> RunOneAsync(NpgsqlConnection connection, DrillCheck check, CancellationToken cancellationToken)
    {
        // Read-only: a check proves what was restored; it has no business changing it (the scratch
        // database is dropped anyway, but a check that writes would be a mistake worth hearing of).
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            try
            {
                var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
                await using (readOnly.ConfigureAwait(false))
                {
                    await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                var command = new NpgsqlCommand(check.Sql, connection, transaction);
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        return await JudgeAsync(check.Name, reader, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (PostgresException ex)
            {
                // The check's own SQL failed on the restored database: that is the check's verdict, not the drill machinery's.
                return new DrillCheckResult(check.Name, false, $"failed: {ex.SqlState} {ex.MessageText}");
            }
        }
    }

    private static async Task<DrillCheckResult> JudgeAsync(string name, NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (reader.FieldCount != 1)
        {
            return new DrillCheckResult(name, false, $"returned {reader.FieldCount} columns; a check returns one, true");
        }
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new DrillCheckResult(name, false, "returned no row; a check returns one row, true");
        }
        var value = reader.GetValue(0);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new DrillCheckResult(name, false, "returned more than one row; a check returns one row, true");
        }
        return value is true
            ? new DrillCheckResult(name, true, "returned true")
            : new DrillCheckResult(name, false, $"returned {Describe(value)}, not true");
    }

    private static string Describe(object value) => value switch
    {
        DBNull => "null",
        bool b => b ? "true" : "false",
        _ => $"'{Convert.ToString(value, CultureInfo.InvariantCulture)}' ({value.GetType().Name})",
    };
}
