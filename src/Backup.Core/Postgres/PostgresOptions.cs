namespace Backup.Core.Postgres;

/// <summary>Options of the PostgreSQL engine (section <c>Backup:Postgres</c>).</summary>
public sealed class PostgresOptions
{
    /// <summary>The database: a postgresql:// URL or an Npgsql connection string. Default: <c>Backup:DatabaseUrl</c> / DATABASE_URL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A directory holding pg_dump and pg_restore; when null, PATH and /usr/lib/postgresql/*/bin are searched.</summary>
    public string? ToolsDirectory { get; set; }

    /// <summary>The database to connect to when creating or dropping restore targets.</summary>
    public string MaintenanceDatabase { get; set; } = "postgres";

    /// <inheritdoc />
    public override string ToString() => $"PostgresOptions(ConnectionString={(ConnectionString is null ? "unset" : "set")}, ToolsDirectory={ToolsDirectory})";
}
