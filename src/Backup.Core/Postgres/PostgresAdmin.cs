using Backup.Core.Catalog;
using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>Server-level chores on the maintenance database: restore targets and scratch databases.</summary>
internal sealed class PostgresAdmin(PostgresConnectionInfo maintenance)
{
    public async Task<int> ServerMajorAsync(CancellationToken cancellationToken)
    {
        var connection = await maintenance.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        return connection.PostgreSqlVersion.Major;
    }

    public async Task<bool> DatabaseExistsAsync(string database, CancellationToken cancellationToken)
    {
        var connection = await maintenance.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        return await ExistsAsync(connection, database, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the restore target, first dropping an existing one only when the request says so.</summary>
    public async Task PrepareTargetAsync(EngineRestoreRequest request, CancellationToken cancellationToken)
    {
        var connection = await maintenance.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var target = request.TargetDatabase;
        if (await ExistsAsync(connection, target, cancellationToken).ConfigureAwait(false))
        {
            if (!request.DropExisting)
            {
                throw new BackupException($"The restore target database '{target}' already exists. Restore into a new database (the default), or set DropExisting to replace it.");
            }
            await DropAsync(connection, target, request.TerminateConnections, cancellationToken).ConfigureAwait(false);
        }
        var properties = request.BackupProperties;
        var options = properties.TryGetValue(ManifestProperties.Encoding, out var encoding) && properties.TryGetValue(ManifestProperties.Collate, out var collate) && properties.TryGetValue(ManifestProperties.Ctype, out var ctype)
            ? $" ENCODING {Literal(encoding)} LC_COLLATE {Literal(collate)} LC_CTYPE {Literal(ctype)}"
            : "";
        var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(target)} TEMPLATE template0{options}", connection);
        await using var createScope = create.ConfigureAwait(false);
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DropDatabaseAsync(string database, bool terminate, CancellationToken cancellationToken)
    {
        var connection = await maintenance.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        if (await ExistsAsync(connection, database, cancellationToken).ConfigureAwait(false))
        {
            await DropAsync(connection, database, terminate, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task DropAsync(NpgsqlConnection connection, string database, bool terminate, CancellationToken cancellationToken)
    {
        var drop = new NpgsqlCommand($"DROP DATABASE {SqlIdentifier.Quote(database)}{(terminate ? " WITH (FORCE)" : "")}", connection);
        await using var dropScope = drop.ConfigureAwait(false);
        try
        {
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            throw new BackupException($"The database '{database}' cannot be dropped: other sessions are connected to it. Close them, or set TerminateConnections to end them.", ex);
        }
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        await using var commandScope = command.ConfigureAwait(false);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
