using System.Security.Cryptography;
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
        // A name of its own, so that stopping it can end this walsender and no other (StopReadingAsync).
        var streamName = "Backup.Core continuous capture " + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var replication = new LogicalReplicationConnection(new NpgsqlConnectionStringBuilder(connection.ConnectionString) { ApplicationName = streamName }.ConnectionString);
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
            await StopReadingAsync(messages, next, stopReading, streamName).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the stream's read before its connection is disposed. Disposing a connection under a
    /// pending read uses it from two threads at once, which Npgsql does not support: it corrupts
    /// Npgsql's pooled awaitables for the whole process, and unrelated queries (a replay's COPY, a
    /// test's SELECT) then fail with "Operation is not valid due to the current state of the
    /// object" (reproduced: a few in a minute of streams stopped that way; none once stopped so).
    /// The pending read is cancelled and the stream read to its end; cancelling an idle stream does
    /// not always end the read (about one in a hundred waited forever), so after a second the server
    /// ends it: this stream's walsender is terminated, and the read fails on the reading thread as a
    /// lost connection would. The async enumerator is disposed only once no read is pending.
    /// </summary>
    private async Task StopReadingAsync(IAsyncEnumerator<PgOutputReplicationMessage> messages, Task<bool>? pending, CancellationTokenSource stopReading, string streamName)
    {
        if (pending is { IsCompleted: false })
        {
            await stopReading.CancelAsync().ConfigureAwait(false);
            var drained = DrainAsync(messages, pending);
            // Real time, not the capture's clock: this waits for a socket, not for a schedule.
            if (!await EndsWithinAsync(drained, CancelGrace).ConfigureAwait(false)
                && (!await TryTerminateWalSenderAsync(streamName).ConfigureAwait(false) || !await EndsWithinAsync(drained, TerminateGrace).ConfigureAwait(false)))
            {
                // The server cannot be reached to end it: the read fails with the connection, disposed next.
                _ = drained.ContinueWith(t => t.Exception, TaskScheduler.Default);
                return;
            }
        }
        await messages.DisposeAsync().ConfigureAwait(false);
    }

    // Reads what is left of a cancelled (or cut) stream: cancelling still hands over the messages
    // already buffered. The next stream delivers them again from the slot.
    private static async Task DrainAsync(IAsyncEnumerator<PgOutputReplicationMessage> messages, Task<bool> pending)
    {
        try
        {
            if (await pending.ConfigureAwait(false))
            {
                while (await messages.MoveNextAsync().ConfigureAwait(false))
                {
                    // Past the point where the loop stopped.
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or IOException or ObjectDisposedException)
        {
            // How a cancelled or cut stream ends; the loop's own outcome (or error) is what the caller gets.
        }
    }

    private static async Task<bool> EndsWithinAsync(Task pending, TimeSpan grace) =>
        await Task.WhenAny(pending, Task.Delay(grace)).ConfigureAwait(false) == pending;

    // A session of its own (the loop's connection may be what failed), bounded in time (the server
    // may be unreachable). By the stream's own name: another process may hold the slot by now.
    // False when the server cannot be asked.
    private async Task<bool> TryTerminateWalSenderAsync(string streamName)
    {
        using var limit = new CancellationTokenSource(TerminateGrace);
        try
        {
            var session = await connection.OpenAsync(limit.Token, "Backup.Core continuous capture stop", pooled: false).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_replication WHERE application_name = $1", session)
                {
                    Parameters = { new() { Value = streamName } },
                };
                await using (terminate.ConfigureAwait(false))
                {
                    await terminate.ExecuteNonQueryAsync(limit.Token).ConfigureAwait(false);
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or Abstractions.BackupException or IOException or OperationCanceledException)
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
