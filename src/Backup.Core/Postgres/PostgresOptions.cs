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

    /// <summary>
    /// Change capture: record schema changes (DDL) in the chain, so that a migration does not end
    /// it and recovery replays each statement at its place among the row changes. Needs the right
    /// to create an event trigger (a superuser) when a chain starts; without it the chain is
    /// started without, says why (log, manifest property <c>ddl-capture</c>, status), and a schema
    /// change ends it as before. Default true.
    /// </summary>
    public bool CaptureDdl { get; set; } = true;

    /// <summary>
    /// When an incremental finds a table changed since its chain's full backup and the change was
    /// not captured (<see cref="CaptureDdl"/> off or not possible, or a statement that cannot be
    /// replayed): take a full backup (a new chain) instead of failing. The old chain stays
    /// recoverable up to its last incremental; the moments between that and the new full backup
    /// are not. Default false: the incremental fails and says to take a full backup.
    /// </summary>
    public bool NewChainOnSchemaChange { get; set; }

    /// <summary>
    /// Timestamp mode (incrementals without change capture): the column that says when a row last
    /// changed. Tables without it, or without a primary key, are not covered (logged, and listed in
    /// each incremental's manifest). Default <c>updated_at</c>.
    /// </summary>
    public string TimestampColumn { get; set; } = "updated_at";

    /// <summary>
    /// Timestamp mode: how far before the previous backup's snapshot the next incremental starts
    /// looking, besides the start of the oldest transaction then open (rows re-read are upserted
    /// again, harmlessly). Covers commits racing the snapshot. Default one minute.
    /// </summary>
    public TimeSpan TimestampOverlap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A chain's slot that holds more WAL than this on the server is dropped: the chain is marked
    /// broken (recoverable up to its last incremental; the next incremental fails and says to take
    /// a full backup), and an error is logged. A server whose disk fills with WAL stops, which is
    /// worse. Checked every <see cref="SlotLagCheckInterval"/> by a hosted service, and by
    /// <c>GetBackupStatusAsync</c>. Null (the default): no limit — consider the server's
    /// <c>max_slot_wal_keep_size</c> as well.
    /// </summary>
    public long? MaxSlotLagMegabytes { get; set; }

    /// <summary>How often the slot lag is checked against <see cref="MaxSlotLagMegabytes"/>. Default one minute.</summary>
    public TimeSpan SlotLagCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a heartbeat (a non-transactional logical message) is written on the database, and
    /// each chain slot with no unacknowledged change is moved past it, so that a database with no
    /// writes does not hold back the WAL the rest of the cluster writes. Slots with changes move at
    /// the next incremental, never before. Sent by the hosted slot monitor. Default one minute; null
    /// or zero: off.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The replication slot change capture uses.</summary>
    public string SlotName { get; set; } = "backup_core";

    /// <summary>The publication change capture reads (created for all tables when missing).</summary>
    public string PublicationName { get; set; } = "backup_core";

    /// <summary>
    /// Connections a full backup copies table data on, and a restore loads it on. With one or more,
    /// a full backup is taken in parts on one snapshot: pg_dump writes the schema (and sequences, large
    /// objects), and the rows of every table are copied by <c>COPY ... TO STDOUT</c> on this many
    /// connections that all adopt the snapshot, big tables split into page ranges of
    /// <see cref="PartSizeMegabytes"/>, each part stored as its own object. A restore of such a backup
    /// loads the parts on this many connections and builds indexes and constraints with
    /// <c>pg_restore -j</c>. Zero: one pg_dump stream, as before (and how backups of that kind are
    /// restored, whatever this says). Null (the default): the number of processor cores, at least 2.
    /// </summary>
    public int? Jobs { get; set; }

    /// <summary>
    /// With <see cref="Jobs"/>: tables bigger than this on disk are copied in page ranges of about this
    /// size, so one big table is not one stream, and the connections share its work evenly. Tables
    /// smaller than a 32nd of it stay in pg_dump's archive. Default 64 MB.
    /// </summary>
    public int PartSizeMegabytes { get; set; } = 64;

    /// <summary>
    /// <c>maintenance_work_mem</c> for the sessions that build indexes and constraints in a restore of
    /// a backup taken in parts: index builds sort in memory instead of on disk (a primary key of 3M rows
    /// built 30% faster with 512 MB than with PostgreSQL's 64 MB). Each of the <see cref="Jobs"/>
    /// builds may use this much of the server's memory at once. Default 256 MB; 0 keeps the server's setting.
    /// </summary>
    public int RestoreMaintenanceWorkMemMegabytes { get; set; } = 256;

    /// <summary><see cref="Jobs"/> as it applies: the cores (at least 2) when unset.</summary>
    internal int EffectiveJobs => Jobs ?? Math.Max(2, Environment.ProcessorCount);

    /// <summary>The database to connect to when creating or dropping restore targets.</summary>
    public string MaintenanceDatabase { get; set; } = "postgres";

    /// <inheritdoc />
    public override string ToString() => $"PostgresOptions(ConnectionString={(ConnectionString is null ? "unset" : "set")}, ToolsDirectory={ToolsDirectory})";
}
