using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Engine;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Backup.Core.Postgres;

/// <summary>
/// Change capture through a logical replication slot (pgoutput): creating the slot with an
/// exported snapshot for the chain's full backup, draining every transaction committed up to
/// now into a change segment, and moving the slot forward only once the caller has stored it.
/// </summary>
/// <remarks>
/// "Up to now" is made exact with a marker: a transactional logical message emitted at the start
/// of the drain. Decoding outputs transactions in commit order, so when the marker's commit comes
/// out, every transaction committed before the drain began has come out before it — and the
/// drain stops there instead of waiting on an idle stream.
/// </remarks>
internal sealed class ChangeCapture(PostgresConnectionInfo connection, string slotName, string publicationName)
{
    /// <summary>What this library asks pgoutput for: protocol 2 with large transactions streamed while they run, and logical messages (the markers).</summary>
    public static PgOutputReplicationOptions StreamOptions(string publicationName) =>
        new(publicationName, PgOutputProtocolVersion.V2, binary: false, streamingMode: PgOutputStreamingMode.On, messages: true);

    /// <summary>
    /// Checks the server and the tables (see <see cref="ChangeCapturePreflight"/>), creates the
    /// publication (all tables) when it is missing, and, with <paramref name="captureSchemaChanges"/>,
    /// the trigger that records schema changes (<see cref="DdlCapture"/>). Returns the chain's
    /// <see cref="Catalog.ManifestProperties.SchemaCapture"/> (<c>on</c>, or <c>off: </c> and why)
    /// and whether the publication was created now (the operator's log says so).
    /// </summary>
    public async Task<(string SchemaCapture, bool PublicationCreated)> EnsurePublicationAsync(bool captureSchemaChanges, CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            await ChangeCapturePreflight.RunAsync(open, cancellationToken).ConfigureAwait(false);
            var exists = new NpgsqlCommand("SELECT 1 FROM pg_publication WHERE pubname = $1", open) { Parameters = { new() { Value = publicationName } } };
            var found = false;
            await using (exists.ConfigureAwait(false))
            {
                found = await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
            }
            if (!found)
            {
                var create = new NpgsqlCommand($"CREATE PUBLICATION {SqlIdentifier.Quote(publicationName)} FOR ALL TABLES", open);
                await using (create.ConfigureAwait(false))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            if (!captureSchemaChanges)
            {
                return ("off: Backup:Postgres:CaptureDdl is false", !found);
            }
            return (await DdlCapture.EnsureAsync(open, publicationName, cancellationToken).ConfigureAwait(false) is { } why ? "off: " + why : Catalog.ManifestProperties.SchemaCaptureOn, !found);
        }
    }

    /// <summary>
    /// Creates the slot and returns its exported snapshot. The snapshot lives while the returned
    /// connection stays open and idle: take the full backup on it, then dispose it.
    /// </summary>
    public async Task<SlotSnapshot> CreateSlotAsync(CancellationToken cancellationToken)
    {
        // No command timeout: the server creates a logical slot only once every transaction running
        // on the cluster has ended, so one long transaction anywhere made the 30 s default fail the
        // chain's full backup. It waits as long as that takes; the cancellation token still stops it.
        var replication = new LogicalReplicationConnection(new NpgsqlConnectionStringBuilder(connection.ConnectionString) { CommandTimeout = 0 }.ConnectionString);
        try
        {
            await replication.Open(cancellationToken).ConfigureAwait(false);
            var slot = await replication.CreatePgOutputReplicationSlot(slotName, temporarySlot: false, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new SlotSnapshot(replication, slot.SnapshotName!, slot.ConsistentPoint);
        }
        catch
        {
            await replication.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes every transaction committed since the slot's confirmed position, up to the moment
    /// of this call, into <paramref name="writer"/>, followed by every sequence's current value.
    /// Does not complete the writer and does not move the slot.
    /// </summary>
    /// <exception cref="ReplicationSlotMissingException">The slot does not exist (dropped by hand, by the lag limit, or by another host).</exception>
    /// <param name="writer">Where the changes go.</param>
    /// <param name="shapes">The tables' shapes the chain knows (its full backup's, and partitions its incrementals added); a relation that differs stops the drain with <see cref="SchemaChangedException"/>, except a new partition of a known partitioned table, which is covered (<see cref="NewPartitions"/>). Null skips the check.</param>
    /// <param name="chainId">The chain's full backup, for messages.</param>
    /// <param name="captureSchemaChanges">The chain captures schema changes: they are written at their place, and keep <paramref name="shapes"/> current; new partitions come with their CREATE.</param>
    /// <param name="cancellationToken">Cancels the drain.</param>
    public async Task<CaptureResult> DrainAsync(ChangeSegmentWriter writer, IReadOnlyDictionary<string, string>? shapes, string chainId, bool captureSchemaChanges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await using var use = (await SlotUseLock.HoldAsync(connection, slotName, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (!await SlotExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new ReplicationSlotMissingException(slotName);
        }
        await RefuseWhileCapturedAsync(cancellationToken).ConfigureAwait(false);
        var marker = Guid.NewGuid().ToString("N");
        await EmitMarkerAsync(marker, cancellationToken).ConfigureAwait(false);

        var result = new CaptureResult();
        if (shapes is not null && !captureSchemaChanges)
        {
            // Read after the marker: every partition a drained transaction used was created before it.
            shapes = await CoverNewPartitionsAsync(writer, shapes, chainId, result, cancellationToken).ConfigureAwait(false);
        }
        var typeNames = new TypeNames(connection);
        await using var typeNamesScope = typeNames.ConfigureAwait(false);
        // Transactions still running (or whose end is after the marker) are sent again next time, from the slot.
        var decoder = new PgOutputDecoder(typeNames, shapes, chainId, skipCommitsBefore: 0, captureSchemaChanges);
        await using var decoderScope = decoder.ConfigureAwait(false);
        var replication = new LogicalReplicationConnection(connection.ConnectionString);
        try
        {
            await using (replication.ConfigureAwait(false))
            {
                await replication.Open(cancellationToken).ConfigureAwait(false);
                await foreach (var message in replication.StartReplication(new PgOutputReplicationSlot(slotName), StreamOptions(publicationName), cancellationToken).ConfigureAwait(false))
                {
                    if (await decoder.HandleAsync(message, writer, cancellationToken).ConfigureAwait(false) is { } commit)
                    {
                        if (commit.Written)
                        {
                            result.Note(commit.CommitTime);
                            result.StreamedTransactions += commit.Streamed ? 1 : 0;
                        }
                        result.EndLsn = commit.EndLsn;
                    }
                    // Stopping by leaving the loop (not by cancelling) ends the stream at exactly this point.
                    if (decoder.LastMarker == marker && message is CommitMessage)
                    {
                        break;
                    }
                }
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            // A slot serves one reader: continuous capture holds it open, and its segments already are this chain's incrementals.
            throw new BackupInProgressException($"The replication slot {slotName} is being read by another process (continuous capture, or an incremental on another replica): with continuous capture on, its segments are the chain's incrementals and no incremental is needed.", ex);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedObject)
        {
            // Dropped between the check above and START_REPLICATION (42704 may also name a missing publication).
            if (!await SlotExistsAsync(CancellationToken.None).ConfigureAwait(false))
            {
                throw new ReplicationSlotMissingException(slotName, ex);
            }
            throw;
        }
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            await SequenceValues.WriteAsync(open, writer, cancellationToken).ConfigureAwait(false);
        }
        result.Transactions = writer.Transactions;
        result.Changes = writer.Changes;
        return result;
    }

    /// <summary>Moves the slot's confirmed position to <paramref name="lsn"/>: the server may now discard the WAL before it.</summary>
    public async Task AcknowledgeAsync(ulong lsn, CancellationToken cancellationToken)
    {
        await using var use = (await SlotUseLock.HoldAsync(connection, slotName, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            var advance = new NpgsqlCommand("SELECT pg_replication_slot_advance($1, $2::pg_lsn)", open)
            {
                Parameters = { new() { Value = slotName }, new() { Value = new NpgsqlLogSequenceNumber(lsn).ToString() } },
            };
            await using (advance.ConfigureAwait(false))
            {
                await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Drops the slot (and so the WAL it holds back), if it exists. A process reading it (continuous
    /// capture, stalled on a full spool while the slot-lag limit drops the slot) is disconnected first:
    /// an active slot cannot be dropped, and this drop is meant.
    /// </summary>
    public async Task DropSlotAsync(CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            // pg_terminate_backend with a timeout waits until the reader is gone, so the drop that follows finds the slot inactive.
            foreach (var sql in (string[])[
                "SELECT pg_terminate_backend(active_pid, 10000) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL",
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1"])
            {
                var command = new NpgsqlCommand(sql, open) { Parameters = { new() { Value = slotName } } };
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    // Partitions created since the chain's full backup go first in the segment (replay creates them
    // before rows need them); the shapes the stream is checked against then include them.
    private async Task<IReadOnlyDictionary<string, string>> CoverNewPartitionsAsync(ChangeSegmentWriter writer, IReadOnlyDictionary<string, string> shapes, string chainId, CaptureResult result, CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            var found = await NewPartitions.FindAsync(open, shapes, chainId, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return shapes;
            }
            var known = new Dictionary<string, string>(shapes, StringComparer.Ordinal);
            foreach (var partition in found)
            {
                await writer.WriteAsync(new PartitionItem(partition.Partition), cancellationToken).ConfigureAwait(false);
                known[partition.Table] = partition.Shape;
            }
            result.NewPartitions = found;
            return known;
        }
    }

    // Checked before the drain as well as by the slot being busy: between two connections of a
    // capture the slot is free, but the chain still has a writer, and a second one would fork it.
    private async Task RefuseWhileCapturedAsync(CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken, "Backup.Core capture check", pooled: false).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            if (await CaptureLock.IsHeldAsync(open, slotName, cancellationToken).ConfigureAwait(false))
            {
                throw new BackupInProgressException($"Continuous capture (in another process or replica) records the chain of the slot {slotName}: its segments are the chain's incrementals, so no incremental is taken.");
            }
        }
    }

    private async Task<bool> SlotExistsAsync(CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            return await SlotExistsAsync(open, slotName, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the slot <paramref name="slot"/> exists in the database <paramref name="open"/> is connected to.</summary>
    internal static async Task<bool> SlotExistsAsync(NpgsqlConnection open, string slot, CancellationToken cancellationToken)
    {
        var exists = new NpgsqlCommand("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database()", open) { Parameters = { new() { Value = slot } } };
        await using (exists.ConfigureAwait(false))
        {
            return await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
    }

    private async Task EmitMarkerAsync(string marker, CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            var emit = new NpgsqlCommand("SELECT pg_logical_emit_message(true, $1, $2)", open) { Parameters = { new() { Value = PgOutputDecoder.MarkerPrefix }, new() { Value = marker } } };
            await using (emit.ConfigureAwait(false))
            {
                await emit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>A slot's exported snapshot, valid while <see cref="Connection"/> stays open and idle.</summary>
internal sealed record SlotSnapshot(LogicalReplicationConnection Connection, string SnapshotName, NpgsqlLogSequenceNumber ConsistentPoint) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>What a drain captured.</summary>
internal sealed class CaptureResult
{
    public ulong EndLsn { get; set; }
    public long Transactions { get; set; }
    public long Changes { get; set; }

    /// <summary>Partitions created since the chain's full backup that this drain met first (written at the segment's start).</summary>
    public IReadOnlyList<NewPartitions.Found> NewPartitions { get; set; } = [];

    /// <summary>Transactions the server streamed while they ran (and this drain spooled).</summary>
    public long StreamedTransactions { get; set; }

    public DateTimeOffset? FirstCommit { get; private set; }
    public DateTimeOffset? LastCommit { get; private set; }

    public static DateTimeOffset Utc(DateTime timestamp) => new(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc));

    public void Note(DateTimeOffset commitTime)
    {
        FirstCommit ??= commitTime;
        LastCommit = commitTime;
    }
}
