using Backup.Core.Catalog;
using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// A connection holding a repeatable-read transaction whose snapshot pg_dump imports, and the
/// advisory lock (<see cref="DatabaseBackupLock"/>) that keeps two backups of one database (in any process) from running at once.
/// The transaction stays open until the dump is done: the exported snapshot lives only as long.
/// </summary>
internal sealed class SnapshotSession : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private SnapshotSession(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>
    /// The earliest <c>now()</c> a row not visible in this transaction's snapshot can carry: the start
    /// of the oldest other transaction open on the database, or the clock (see <see cref="ChangesSince"/>).
    /// </summary>
    public const string ChangesSinceSql =
        "least(clock_timestamp(), (SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()))";

    public required string SnapshotName { get; init; }
    public required string ServerVersion { get; init; }
    public required int ServerMajor { get; init; }
    public required string WalPosition { get; init; }
    public required IReadOnlyDictionary<string, string> DatabaseProperties { get; init; }

    /// <summary>The server's clock just after the snapshot was taken.</summary>
    public required DateTimeOffset SnapshotAt { get; init; }

    /// <summary>
    /// The earliest moment a row the snapshot does not see can carry as its <c>now()</c> timestamp:
    /// the start of the oldest transaction still open, or the snapshot time. Where timestamp-mode
    /// incrementals must start looking.
    /// </summary>
    public required DateTimeOffset ChangesSince { get; init; }

    /// <param name="info">The database.</param>
    /// <param name="waitIfBusy">Wait for another backup's lock instead of failing.</param>
    /// <param name="importSnapshot">An exported snapshot to adopt (a replication slot's) instead of exporting one.</param>
    /// <param name="lockHeld">The caller holds the database's backup lock on a connection of its own.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<SnapshotSession> OpenAsync(PostgresConnectionInfo info, bool waitIfBusy, string? importSnapshot, bool lockHeld, CancellationToken cancellationToken)
    {
        // No command timeout, as pg_dump has none: planning the parts waits for the tables' share
        // locks like pg_dump does (behind a migration's ACCESS EXCLUSIVE, say), and a 30 s limit made
        // such a backup fail with "Exception while reading from stream". Cancellation still stops it.
        var connection = await info.OpenAsync(cancellationToken, "Backup.Core backup", pooled: false, commandTimeout: 0).ConfigureAwait(false);
        try
        {
            if (!lockHeld)
            {
                await DatabaseBackupLock.AcquireAsync(connection, info.Database, waitIfBusy, cancellationToken).ConfigureAwait(false);
            }
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            if (importSnapshot is not null)
            {
                await SnapshotAdoption.AdoptAsync(connection, transaction, importSnapshot, cancellationToken).ConfigureAwait(false);
            }
            var command = new NpgsqlCommand(
                $"""
                SELECT {(importSnapshot is null ? "pg_export_snapshot()" : "$1")},
                       current_setting('server_version'),
                       current_setting('server_version_num')::int / 10000,
                       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text ELSE pg_current_wal_lsn()::text END,
                       pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,
                       clock_timestamp(),
                       {ChangesSinceSql}
                FROM pg_database d WHERE d.datname = current_database()
                """,
                connection,
                transaction);
            if (importSnapshot is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = importSnapshot });
            }
            await using var commandScope = command.ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new SnapshotSession(connection, transaction)
            {
                SnapshotName = reader.GetString(0),
                ServerVersion = reader.GetString(1),
                ServerMajor = reader.GetInt32(2),
                WalPosition = reader.IsDBNull(3) ? "" : reader.GetString(3),
                DatabaseProperties = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [ManifestProperties.Encoding] = reader.GetString(4),
                    [ManifestProperties.Collate] = reader.GetString(5),
                    [ManifestProperties.Ctype] = reader.GetString(6),
                },
                SnapshotAt = reader.GetFieldValue<DateTimeOffset>(7),
                ChangesSince = reader.GetFieldValue<DateTimeOffset>(8),
            };
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Exact row counts of the dumped tables but <paramref name="counted"/> (<c>schema.table</c>), whose rows are counted as they are copied.</summary>
    public Task<IReadOnlyDictionary<string, long>> CountRowsAsync(IReadOnlyList<string> schemas, IReadOnlyList<string> tables, IReadOnlySet<string> counted, CancellationToken cancellationToken) =>
        RowCounter.CountAsync(_connection, schemas, tables, cancellationToken, _transaction, counted);

    /// <summary>
    /// The parts of a backup taken in parts (<see cref="TablePartPlan"/>), their tables locked in
    /// ACCESS SHARE mode until the session ends, as pg_dump locks what it dumps: the copies outlive
    /// pg_dump's own locks, and a table dropped or rewritten before its copy starts would fail it.
    /// </summary>
    public async Task<IReadOnlyList<PlannedPart>> PlanPartsAsync(IReadOnlyList<string> schemas, IReadOnlyList<string> tables, long partBytes, CancellationToken cancellationToken)
    {
        var parts = await TablePartPlan.ReadAsync(_connection, _transaction, schemas, tables, partBytes, ServerMajor, cancellationToken).ConfigureAwait(false);
        var locked = parts.Select(p => SqlIdentifier.Quote(p.Schema) + "." + SqlIdentifier.Quote(p.Table)).Distinct().ToList();
        if (locked.Count > 0)
        {
            var command = new NpgsqlCommand($"LOCK TABLE {string.Join(", ", locked)} IN ACCESS SHARE MODE", _connection, _transaction);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return parts;
    }

    public async ValueTask DisposeAsync()
    {
        // Ending the connection ends the transaction and releases the session's advisory lock.
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
