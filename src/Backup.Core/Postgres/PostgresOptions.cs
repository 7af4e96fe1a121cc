namespace Backup.Core.Postgres;

/// <summary>Options of the PostgreSQL engine (section <c>Backup:Postgres</c>).</summary>
public sealed class PostgresOptions
{
    /// <summary>The database: a postgresql:// URL or an Npgsql connection string. Default: <c>Backup:DatabaseUrl</c> / DATABASE_URL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A directory holding pg_dump and pg_restore; when null, PATH and /usr/lib/postgresql/*/bin are searched.</summary>
    public string? ToolsDirectory { get; set; }

    /// <summary>
    /// Change capture for incremental backups and point-in-time recovery: each full backup starts
    /// a chain with a logical replication slot (needs wal_level=logical and the REPLICATION
    /// privilege). Off by default: a slot holds WAL on the server until incrementals consume it.
    /// </summary>
    public bool ChangeCapture { get; set; }

    /// <summary>The replication slot change capture uses.</summary>
    public string SlotName { get; set; } = "backup_core";

    /// <summary>The publication change capture reads (created for all tables when missing).</summary>
    public string PublicationName { get; set; } = "backup_core";

    /// <summary>The database to connect to when creating or dropping restore targets.</summary>
    public string MaintenanceDatabase { get; set; } = "postgres";

    /// <inheritdoc />
    public override string ToString() => $"PostgresOptions(ConnectionString={(ConnectionString is null ? "unset" : "set")}, ToolsDirectory={ToolsDirectory})";
}
