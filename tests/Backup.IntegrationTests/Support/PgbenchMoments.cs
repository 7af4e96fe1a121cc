using Npgsql;

namespace Backup.IntegrationTests.Support;

/// <summary>
/// pgbench against a test database, and the "moments" recovery tests compare against: the content
/// of every pgbench table at one instant, and pgbench's invariant sum(abalance) = sum(delta).
/// </summary>
public static class PgbenchMoments
{
    private static readonly string[] Tables = ["pgbench_accounts", "pgbench_branches", "pgbench_history", "pgbench_tellers"];

    /// <summary>Initialises pgbench's tables (scale 1); pgbench_history gets REPLICA IDENTITY FULL (no key; it only takes inserts).</summary>
    public static async Task InitializeAsync(string database)
    {
        await RunAsync(database, "-i", "-s", "1", "-q");
        await TestServer.ExecuteAsync(database, "ALTER TABLE pgbench_history REPLICA IDENTITY FULL");
    }

    /// <summary>Runs pgbench with <paramref name="arguments"/> against <paramref name="database"/>; fails the test when it fails.</summary>
    public static Task RunAsync(string database, params string[] arguments) => PostgresTool.RunAsync("pgbench", database, arguments);

    // EXCLUSIVE locks wait for every writing transaction to end and hold new ones back (readers
    // go on): every commit before the clock reading is in the hashes, every later one is not.
    public static async Task<(DateTimeOffset At, SortedDictionary<string, string> Hashes)> RecordAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(database));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTables = new NpgsqlCommand($"LOCK TABLE {string.Join(", ", Tables)} IN EXCLUSIVE MODE", connection, transaction))
        {
            await lockTables.ExecuteNonQueryAsync();
        }
        await using var clock = new NpgsqlCommand("SELECT clock_timestamp()", connection, transaction);
        var at = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await clock.ExecuteScalarAsync())!, DateTimeKind.Utc));
        var hashes = await HashesAsync(database);
        await transaction.CommitAsync();
        return (at, hashes);
    }

    /// <summary>The content hash of every table (sequences left out: a recovered one may be ahead).</summary>
    public static async Task<SortedDictionary<string, string>> HashesAsync(string database) =>
        new((await DatabaseComparison.ContentHashesAsync(database)).Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal)).ToDictionary(), StringComparer.Ordinal);

    /// <summary>Asserts pgbench's invariant in <paramref name="database"/>.</summary>
    public static async Task AssertBalancedAsync(string database) =>
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(database, "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT coalesce(sum(delta), 0) FROM pgbench_history)"));
}
