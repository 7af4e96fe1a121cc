using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// A PostgreSQL connection from either a <c>postgresql://user:pass@host:port/db?sslmode=...</c>
/// URL (DATABASE_URL) or an Npgsql connection string. <see cref="ToString"/> never shows the password.
/// </summary>
internal sealed class PostgresConnectionInfo
{
    private readonly NpgsqlConnectionStringBuilder _builder;

    private PostgresConnectionInfo(NpgsqlConnectionStringBuilder builder) => _builder = builder;

    /// <summary>Server host (or Unix socket directory).</summary>
    public string Host => _builder.Host ?? "localhost";

    /// <summary>Server port.</summary>
    public int Port => _builder.Port;

    /// <summary>The database.</summary>
    public string Database => _builder.Database ?? _builder.Username ?? "postgres";

    /// <summary>The user.</summary>
    public string? Username => _builder.Username;

    /// <summary>The password, if one was given (pass it to tools through the environment only).</summary>
    internal string? Password => _builder.Password;

    /// <summary>The SSL mode, as the libpq tools spell it.</summary>
    internal string SslMode => _builder.SslMode switch
    {
        Npgsql.SslMode.Disable => "disable",
        Npgsql.SslMode.Allow => "allow",
        Npgsql.SslMode.Require => "require",
        Npgsql.SslMode.VerifyCA => "verify-ca",
        Npgsql.SslMode.VerifyFull => "verify-full",
        _ => "prefer",
    };

    /// <summary>The connection string for Npgsql.</summary>
    internal string ConnectionString => _builder.ConnectionString;

    /// <summary>Parses a URL or a connection string.</summary>
    /// <exception cref="BackupConfigurationException">It is neither; the message never contains the password.</exception>
    public static PostgresConnectionInfo Parse(string value) => Parse(value, "DATABASE_URL");

    /// <summary>Parses a URL or a connection string given by the setting <paramref name="setting"/>.</summary>
    /// <exception cref="BackupConfigurationException">It is neither; the message names <paramref name="setting"/> and never contains the password.</exception>
    public static PostgresConnectionInfo Parse(string value, string setting)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        try
        {
            var builder = trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(trimmed)
                : new NpgsqlConnectionStringBuilder(trimmed);
            return new PostgresConnectionInfo(builder);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new BackupConfigurationException(
                setting,
                $"The database connection ({setting}) is neither a postgresql://user:password@host:port/database URL nor an Npgsql connection string ({Redact(ex.Message, trimmed)}).");
        }
    }

    /// <summary>The same server and credentials, another database.</summary>
    public PostgresConnectionInfo WithDatabase(string database) =>
        new(new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Database = database });

    /// <summary>Opens a connection with the options the engine needs.</summary>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <param name="applicationName">Shown in pg_stat_activity.</param>
    /// <param name="pooled">
    /// False for sessions that hold advisory locks: a pooled connection keeps its session (and
    /// its locks) alive while idle in the pool.
    /// </param>
    /// <param name="commandTimeout">
    /// Seconds a command (and a COPY's reads and writes) may take, 0 for no limit; Npgsql's default
    /// (30 s) when null. A COPY of a part waits on the pipeline and the store, not only on the server.
    /// </param>
    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken, string applicationName = "Backup.Core", bool pooled = true, int? commandTimeout = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { ApplicationName = applicationName };
        if (commandTimeout is { } seconds)
        {
            builder.CommandTimeout = seconds;
        }
        if (!pooled)
        {
            builder.Pooling = false;
        }
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw PostgresErrors.ConnectFailed(this, ex);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Username}@{Host}:{Port}/{Database}";

    private static NpgsqlConnectionStringBuilder FromUrl(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "localhost" : uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
        };
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => Npgsql.SslMode.Disable,
                        "allow" => Npgsql.SslMode.Allow,
                        "prefer" => Npgsql.SslMode.Prefer,
                        "require" => Npgsql.SslMode.Require,
                        "verify-ca" => Npgsql.SslMode.VerifyCA,
                        "verify-full" => Npgsql.SslMode.VerifyFull,
                        _ => throw new ArgumentException($"unknown sslmode '{value}'"),
                    };
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                default:
                    // Anything else Npgsql knows by the same name (e.g. "Search Path") is passed on.
                    builder[key] = value;
                    break;
            }
        }
        return builder;
    }

    private static string Redact(string message, string source)
    {
        var password = source.Contains("://", StringComparison.Ordinal) && source.Contains('@', StringComparison.Ordinal)
            ? source[(source.IndexOf("://", StringComparison.Ordinal) + 3)..source.LastIndexOf('@')]
            : null;
        return password is { Length: > 0 } ? message.Replace(password, "***", StringComparison.Ordinal) : message;
    }
}
