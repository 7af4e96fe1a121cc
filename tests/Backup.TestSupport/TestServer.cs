using Npgsql;

namespace Backup.TestSupport;

/// <summary>
/// The real PostgreSQL that scripts/test.sh starts (scripts/services/postgres.sh), found through
/// the PG* variables it exports. Run the tests with scripts/test.sh, not a bare dotnet test.
/// </summary>
public static class TestServer
{
    public static string Host => Required("PGHOST");
    public static int Port => int.Parse(Required("PGPORT"), System.Globalization.CultureInfo.InvariantCulture);
    public static string User => Required("PGUSER");
    public static string Password => Required("PGPASSWORD");
    public static string ToolsDirectory => Required("PG_BIN");

    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Username = User, Password = Password, Database = database, Pooling = false }.ConnectionString;

    public static string Url(string database) =>
        $"postgresql://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password)}@{Host}:{Port}/{database}?sslmode=disable";

    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<bool> DatabaseExistsAsync(string database) =>
        await ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{database}'") == 1;

    public static async Task CreateDatabaseAsync(string database)
    {
        await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{database}\"");
    }

    public static Task DropDatabaseAsync(string database) => ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");

    /// <summary>
    /// Takes the backup lock of <paramref name="database"/> on a connection of its own, as a backup in
    /// another replica would; closing the connection releases it.
    /// </summary>
    public static async Task<NpgsqlConnection> HoldBackupLockAsync(string database)
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await Backup.Core.Postgres.DatabaseBackupLock.AcquireAsync(connection, database, wait: true, CancellationToken.None);
        return connection;
    }

    /// <summary>Drops a source database with its replication slots (which would hold WAL), and the databases recovered from it.</summary>
    public static async Task DropWithSlotsAsync(string database, IEnumerable<string> recovered)
    {
        await ExecuteAsync("postgres", $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '{database}'");
        foreach (var name in recovered.Append(database))
        {
            await DropDatabaseAsync(name);
        }
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the integration tests need the PostgreSQL server that scripts/test.sh starts. Run scripts/test.sh.");
}
