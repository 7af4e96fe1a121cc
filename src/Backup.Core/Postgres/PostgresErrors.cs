using System.Net.Sockets;
using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>Turns driver errors into messages that say what went wrong and what to do.</summary>
internal static class PostgresErrors
{
    public static BackupDatabaseException ConnectFailed(PostgresConnectionInfo connection, Exception ex)
    {
        var sqlState = (ex as PostgresException)?.SqlState;
        return sqlState switch
        {
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                new BackupDatabaseException($"PostgreSQL at {connection.Host}:{connection.Port} refused the login of '{connection.Username}': wrong password or user, or pg_hba.conf does not allow it ({ex.Message}).", ex, isTransient: false),
            PostgresErrorCodes.InvalidCatalogName =>
                new BackupDatabaseException($"The database '{connection.Database}' does not exist on {connection.Host}:{connection.Port}.", ex, isTransient: false),
            PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections =>
                new BackupDatabaseException($"PostgreSQL at {connection.Host}:{connection.Port} does not accept connections right now ({ex.Message}); try again later.", ex, isTransient: true),
            _ when FindSocketError(ex) is { } socket =>
                new BackupDatabaseException($"Cannot reach PostgreSQL at {connection.Host}:{connection.Port}: {socket.Message}. Check the host, the port and that the server is running.", ex, isTransient: true),
            _ => new BackupDatabaseException($"Cannot connect to PostgreSQL at {connection.Host}:{connection.Port} as '{connection.Username}': {ex.Message}", ex, isTransient: ex is NpgsqlException { IsTransient: true } or TimeoutException),
        };
    }

    private static SocketException? FindSocketError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException socket)
            {
                return socket;
            }
        }
        return null;
    }
}
