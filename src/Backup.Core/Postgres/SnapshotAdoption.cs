using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>Makes a repeatable-read transaction see an exported snapshot (a slot's, or another session's).</summary>
internal static class SnapshotAdoption
{
    /// <summary>
    /// Runs SET TRANSACTION SNAPSHOT, which takes no parameters: the name is checked to be a snapshot
    /// id (hex digits and dashes) before it goes into the statement.
    /// </summary>
    public static async Task AdoptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string snapshotName, CancellationToken cancellationToken)
    {
        if (snapshotName.Length == 0 || !snapshotName.All(c => char.IsAsciiHexDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{snapshotName}' is not a snapshot name.", nameof(snapshotName));
        }
        var adopt = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshotName}'", connection, transaction);
        await using (adopt.ConfigureAwait(false))
        {
            await adopt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
