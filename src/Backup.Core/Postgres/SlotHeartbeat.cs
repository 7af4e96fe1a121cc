using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace Backup.Core.Postgres;

/// <summary>
/// Keeps an idle database's chain slot from holding the WAL a busy cluster writes: emits a
/// non-transactional logical message on the database, then moves the slot to the newest heartbeat
/// that no unacknowledged change precedes (<see cref="HeartbeatTarget"/>).
/// </summary>
/// <remarks>
/// A slot's confirmed position only moves when a consumer confirms, and in a database with no
/// writes nothing is decoded to confirm, so the WAL of every other database piles up behind it.
/// The slot is read with a peek (which moves nothing) and advanced only past empty transactions:
/// a change drained by an incremental but not yet stored is still unacknowledged and stops the
/// advance, so the heartbeat never skips a change. A slot an incremental is draining or confirming
/// is left alone until the next beat (<see cref="SlotUseLock"/>).
/// </remarks>
internal sealed class SlotHeartbeat(PostgresConnectionInfo connection, string publicationName)
{
    // Bounds what one peek returns; the output before the first change is all the heartbeat needs.
    private const int MaxPeekedOutputs = 10_000;

    // Per slot, the confirmed position at which a peek met changes. Until an incremental confirms
    // past it those changes are still there and no beat can move the slot: peeking again would
    // decode the same WAL every beat for nothing.
    private readonly ConcurrentDictionary<string, ulong> _changesPendingAt = new(StringComparer.Ordinal);

    /// <summary>Emits a heartbeat and moves <paramref name="slotName"/> as far as it safely can; returns where to, or null when it did not move.</summary>
    public async Task<ulong?> BeatAsync(string slotName, CancellationToken cancellationToken)
    {
        // Not pooled: closing the connection releases the slot use lock, whatever happened.
        var open = await connection.OpenAsync(cancellationToken, "Backup.Core slot heartbeat", pooled: false).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            await EmitAsync(open, cancellationToken).ConfigureAwait(false);
            if (!await SlotUseLock.TryAcquireAsync(open, slotName, cancellationToken).ConfigureAwait(false))
            {
                // An incremental is draining or confirming: it moves the slot itself.
                return null;
            }
            return await MoveAsync(open, slotName, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ulong?> MoveAsync(NpgsqlConnection open, string slotName, CancellationToken cancellationToken)
    {
        if (await IdleSlotConfirmedAsync(open, slotName, cancellationToken).ConfigureAwait(false) is not { } confirmed
            || _changesPendingAt.TryGetValue(slotName, out var pendingAt) && pendingAt == confirmed)
        {
            return null;
        }
        (ulong? Target, bool ChangesPending) found;
        try
        {
            found = HeartbeatTarget.Find(await PeekAsync(open, slotName, cancellationToken).ConfigureAwait(false));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            // In use by a process that does not take the slot use lock (an older version's incremental).
            return null;
        }
        var moved = found.Target is { } lsn && await AdvanceAsync(open, slotName, lsn, cancellationToken).ConfigureAwait(false);
        if (found.ChangesPending)
        {
            _changesPendingAt[slotName] = moved ? found.Target!.Value : confirmed;
        }
        else
        {
            _changesPendingAt.TryRemove(slotName, out _);
        }
        return moved ? found.Target : null;
    }

    // Non-transactional: written to the WAL at once, outside any transaction, so it never shows up as
    // one in a segment. PostgreSQL 17 can flush it too, so that the peek right after sees it; before
    // 17 it is seen once other WAL is flushed past it (on a busy cluster, at once; else at a later beat).
    private static async Task EmitAsync(NpgsqlConnection open, CancellationToken cancellationToken)
    {
        var sql = open.PostgreSqlVersion.Major >= 17
            ? "SELECT pg_logical_emit_message(false, $1, ''::text, true)"
            : "SELECT pg_logical_emit_message(false, $1, ''::text)";
        var emit = new NpgsqlCommand(sql, open) { Parameters = { new() { Value = HeartbeatTarget.Prefix } } };
        await using (emit.ConfigureAwait(false))
        {
            await emit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // The slot's confirmed position, or null when it is gone or in use.
    private static async Task<ulong?> IdleSlotConfirmedAsync(NpgsqlConnection open, string slotName, CancellationToken cancellationToken)
    {
        var state = new NpgsqlCommand("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1 AND NOT active AND database = current_database()", open)
        {
            Parameters = { new() { Value = slotName } },
        };
        await using (state.ConfigureAwait(false))
        {
            return await state.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is NpgsqlLogSequenceNumber lsn ? (ulong)lsn : null;
        }
    }

    // Up to the WAL flushed now. Only the first bytes of each output come back (a message's type,
    // flags, position and prefix), never a row's values.
    private async Task<List<byte[]>> PeekAsync(NpgsqlConnection open, string slotName, CancellationToken cancellationToken)
    {
        var peek = new NpgsqlCommand(
            "SELECT substr(data, 1, 64) FROM pg_logical_slot_peek_binary_changes($1, NULL, $2, 'proto_version', '1', 'publication_names', $3, 'messages', 'true') WITH ORDINALITY AS c(lsn, xid, data, n) ORDER BY n",
            open)
        {
            Parameters = { new() { Value = slotName }, new() { Value = MaxPeekedOutputs }, new() { Value = SqlIdentifier.Quote(publicationName) } },
        };
        await using (peek.ConfigureAwait(false))
        {
            var reader = await peek.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var outputs = new List<byte[]>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    outputs.Add((byte[])reader.GetValue(0));
                }
                return outputs;
            }
        }
    }

    // Only forward and only while idle: an incremental may have begun, or confirmed past the heartbeat, since the peek.
    private static async Task<bool> AdvanceAsync(NpgsqlConnection open, string slotName, ulong lsn, CancellationToken cancellationToken)
    {
        var advance = new NpgsqlCommand(
            "SELECT pg_replication_slot_advance(slot_name, $2::pg_lsn) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active AND confirmed_flush_lsn < $2::pg_lsn", open)
        {
            Parameters = { new() { Value = slotName }, new() { Value = new NpgsqlLogSequenceNumber(lsn).ToString() } },
        };
        await using (advance.ConfigureAwait(false))
        {
            try
            {
                return await advance.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                return false;
            }
        }
    }
}
