using Backup.Core.Changes;
using Backup.Core.Engine;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Backup.Core.Postgres;

/// <summary>
/// Keeps a chain slot's replication connection open and writes what it receives into the
/// consumer's segments as it arrives (continuous capture). The server is told a position is
/// flushed only when the consumer says the store holds it, so a crash at any moment loses nothing:
/// the next stream starts again from what is stored.
/// </summary>
/// <remarks>
/// One loop reads the stream. A read that waits longer than the consumer's poll interval gives
/// the loop back, so that a segment is cut on time (and acknowledgements sent) while no message
/// comes; the read it left pending is awaited again, never started twice.
/// </remarks>
internal sealed class ContinuousChangeStream(PostgresConnectionInfo connection, string slotName, string publicationName, TimeProvider time)
{
    // How long a cancelled read may take to end before the server is asked to end it, and then how long the server may take.
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(10);

    /// <summary>See <see cref="IContinuousChangeSource.StreamAsync"/>.</summary>
    public async Task RunAsync(ContinuousStreamRequest request, IChangeStreamConsumer consumer, CancellationToken cancellationToken)
    {
        var open = await connection.OpenAsync(cancellationToken, "Backup.Core continuous capture", pooled: false).ConfigureAwait(false);
        await using var openScope = open.ConfigureAwait(false);
        if (!await ChangeCapture.SlotExistsAsync(open, slotName, cancellationToken).ConfigureAwait(false))
        {
            throw new ReplicationSlotMissingException(slotName);
        }
        // With schema changes captured, a new partition comes with its CREATE, in the stream.
        var shapes = request.CaptureSchemaChanges ? request.Shapes : await CoverNewPartitionsAsync(open, request, consumer, cancellationToken).ConfigureAwait(false);
        var typeNames = new TypeNames(connection);
        await using var typeNamesScope = typeNames.ConfigureAwait(false);
        var decoder = new PgOutputDecoder(typeNames, shapes, request.ChainId, request.ResumeAfter, request.CaptureSchemaChanges);
        await using var decoderScope = decoder.ConfigureAwait(false);
        var replication = new LogicalReplicationConnection(connection.ConnectionString);
        await using var replicationScope = replication.ConfigureAwait(false);
        await replication.Open(cancellationToken).ConfigureAwait(false);
        // Its own token: the read left pending when the loop ends is cancelled through it (StopReadingAsync).
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var messages = replication.StartReplication(
            new PgOutputReplicationSlot(slotName), ChangeCapture.StreamOptions(publicationName), stopReading.Token, new NpgsqlLogSequenceNumber(request.ResumeAfter))
            .GetAsyncEnumerator(stopReading.Token);
        Task<bool>? next = null;
        consumer.Connected();
        try
        {
            var confirmed = request.ResumeAfter;
            var lastHeard = time.GetUtcNow();
            while (true)
            {
                next ??= messages.MoveNextAsync().AsTask();
                if (!next.IsCompleted)
                {
                    await Task.WhenAny(next, Task.Delay(consumer.PollInterval, time, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                confirmed = await ConfirmAsync(replication, consumer, confirmed, cancellationToken).ConfigureAwait(false);
                if (!next.IsCompleted)
                {
                    if (!decoder.WritingTransaction && consumer.CutDue)
                    {
                        await consumer.CutAsync((w, ct) => SequenceValues.WriteAsync(open, w, ct), cancellationToken).ConfigureAwait(false);
                    }
                    if (time.GetUtcNow() - lastHeard >= request.IdleMarkerInterval)
                    {
                        // A transaction of its own: the stream gives back its commit time, which moves the recovery point.
                        await EmitMarkerAsync(open, cancellationToken).ConfigureAwait(false);
                        lastHeard = time.GetUtcNow();
                    }
                    continue;
                }
                if (!await next.ConfigureAwait(false))
                {
                    throw new Abstractions.BackupDatabaseException($"The server ended the replication stream of the slot {slotName}.");
                }
                next = null;
                lastHeard = time.GetUtcNow();
                var segment = await consumer.SegmentAsync(cancellationToken).ConfigureAwait(false);
                DecodedCommit? commit;
                try
                {
                    commit = await decoder.HandleAsync(messages.Current, segment, cancellationToken).ConfigureAwait(false);
                }
                catch (Abstractions.SchemaChangedException ex) when (!request.CaptureSchemaChanges)
                {
                    // A partition created since the stream began is no schema change: the next stream covers it.
                    var found = await NewPartitions.FindAsync(open, decoder.Shapes!, request.ChainId, cancellationToken).ConfigureAwait(false);
                    if (found.Count == 0)
                    {
                        throw;
                    }
                    throw new NewPartitionsFoundException(string.Join(", ", found.Select(f => f.Table)), ex);
                }
                if (commit is not null)
                {
                    consumer.Committed(commit.EndLsn, commit.CommitTime, commit.Written);
                    if (consumer.CutDue)
                    {
                        await consumer.CutAsync((w, ct) => SequenceValues.WriteAsync(open, w, ct), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            await StopReadingAsync(messages, next, stopReading).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the stream's read before its connection is disposed. Disposing a connection under a
    /// pending read uses it from two threads at once, which Npgsql does not support: it corrupts
    /// Npgsql's pooled awaitables for the whole process, and unrelated queries (a replay's COPY, a
    /// test's SELECT) then fail with "Operation is not valid due to the current state of the
    /// object" (reproduced: a few in a minute of streams stopped that way; none once stopped so).
    /// The pending read is cancelled; cancelling an idle stream does not always end the read (about
    /// one in a hundred waited forever), so after a second the server ends it: the slot's walsender
    /// is terminated, and the read fails on the reading thread as a lost connection would. The
    /// async enumerator is disposed only once no read is pending.
    /// </summary>
    private async Task StopReadingAsync(IAsyncEnumerator<PgOutputReplicationMessage> messages, Task<bool>? pending, CancellationTokenSource stopReading)
    {
        if (pending is { IsCompleted: false })
        {
            await stopReading.CancelAsync().ConfigureAwait(false);
            // Real time, not the capture's clock: this waits for a socket, not for a schedule.
            if (!await EndsWithinAsync(pending, CancelGrace).ConfigureAwait(false)
                && (!await TryTerminateWalSenderAsync().ConfigureAwait(false) || !await EndsWithinAsync(pending, TerminateGrace).ConfigureAwait(false)))
            {
                // The server cannot be reached to end it: the read fails with the connection, disposed next.
                _ = pending.ContinueWith(t => t.Exception, TaskScheduler.Default);
                return;
            }
            try
            {
                if (await pending.ConfigureAwait(false))
                {
                    while (await messages.MoveNextAsync().ConfigureAwait(false))
                    {
                        // Messages past the point where the loop stopped: the next stream delivers them again from the slot.
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or IOException or ObjectDisposedException)
            {
                // How a cancelled or cut stream ends; the loop's own outcome (or error) is what the caller gets.
            }
        }
        await messages.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<bool> EndsWithinAsync(Task pending, TimeSpan grace) =>
        await Task.WhenAny(pending, Task.Delay(grace)).ConfigureAwait(false) == pending;

    // A session of its own: the loop's connection may be what failed. False when the server cannot be reached.
    private async Task<bool> TryTerminateWalSenderAsync()
    {
        try
        {
            var session = await connection.OpenAsync(CancellationToken.None, "Backup.Core continuous capture stop", pooled: false).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL", session)
                {
                    Parameters = { new() { Value = slotName } },
                };
                await using (terminate.ConfigureAwait(false))
                {
                    await terminate.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or Abstractions.BackupException or IOException)
        {
            return false;
        }
    }

    // Sent on the stream itself: the slot is in use by it, so it cannot be advanced any other way.
    private static async Task<ulong> ConfirmAsync(LogicalReplicationConnection replication, IChangeStreamConsumer consumer, ulong confirmed, CancellationToken cancellationToken)
    {
        var stored = consumer.Confirmed;
        if (stored <= confirmed)
        {
            return confirmed;
        }
        replication.SetReplicationStatus(new NpgsqlLogSequenceNumber(stored));
        await replication.SendStatusUpdate(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    // Partitions created since the chain's full backup go first in the stream's first segment, as in a drain.
    private static async Task<IReadOnlyDictionary<string, string>> CoverNewPartitionsAsync(NpgsqlConnection open, ContinuousStreamRequest request, IChangeStreamConsumer consumer, CancellationToken cancellationToken)
    {
        var found = await NewPartitions.FindAsync(open, request.Shapes, request.ChainId, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return request.Shapes;
        }
        var segment = await consumer.SegmentAsync(cancellationToken).ConfigureAwait(false);
        var known = new Dictionary<string, string>(request.Shapes, StringComparer.Ordinal);
        foreach (var partition in found)
        {
            await segment.WriteAsync(new PartitionItem(partition.Partition), cancellationToken).ConfigureAwait(false);
            known[partition.Table] = partition.Shape;
        }
        consumer.PartitionsAdded([.. found.Select(p => new TableShape(p.Table, p.Shape))]);
        return known;
    }

    private static async Task EmitMarkerAsync(NpgsqlConnection open, CancellationToken cancellationToken)
    {
        var emit = new NpgsqlCommand("SELECT pg_logical_emit_message(true, $1, 'idle')", open) { Parameters = { new() { Value = PgOutputDecoder.MarkerPrefix } } };
        await using (emit.ConfigureAwait(false))
        {
            await emit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
