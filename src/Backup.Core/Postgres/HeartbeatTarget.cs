using System.Buffers.Binary;
using System.Text;

namespace Backup.Core.Postgres;

/// <summary>
/// Reads what a peek at a chain's slot (pgoutput, messages on, no streaming) returned, in order,
/// and finds how far the slot may be moved without losing a change: to the newest heartbeat
/// message that no data precedes.
/// </summary>
/// <remarks>
/// Decoding outputs a transaction at its commit and a non-transactional message where it lies in
/// the WAL, so every transaction committed before a heartbeat comes out before it. When only empty
/// transactions (BEGIN/COMMIT) and messages come before the heartbeat, nothing that commits before
/// its position carries a change, and confirming up to it skips nothing. Anything else (a relation,
/// a row change, a truncate, a type, an origin) stops the search: from there on only an
/// incremental, after storing what it drained, may move the slot.
/// </remarks>
internal static class HeartbeatTarget
{
    /// <summary>The prefix of the heartbeat's logical message.</summary>
    public const string Prefix = "backup-core-heartbeat";

    private static readonly byte[] PrefixBytes = Encoding.UTF8.GetBytes(Prefix + "\0");

    /// <summary>
    /// The WAL position of the newest heartbeat preceded by no data in <paramref name="outputs"/>
    /// (null when there is none), and whether data came out at all (changes wait for an incremental).
    /// </summary>
    public static (ulong? Target, bool ChangesPending) Find(IEnumerable<byte[]> outputs)
    {
        ulong? target = null;
        foreach (var output in outputs)
        {
            switch (output.Length == 0 ? (byte)0 : output[0])
            {
                case (byte)'B' or (byte)'C':
                    continue;
                case (byte)'M':
                    if (HeartbeatLsn(output) is { } lsn)
                    {
                        target = lsn;
                    }
                    continue;
                default:
                    return (target, true);
            }
        }
        return (target, false);
    }

    // 'M', flags (1 = transactional), the message's LSN, the prefix (NUL-terminated), the content's length and bytes.
    private static ulong? HeartbeatLsn(byte[] message) =>
        message.Length >= 10 + PrefixBytes.Length && message[1] == 0 && message.AsSpan(10, PrefixBytes.Length).SequenceEqual(PrefixBytes)
            ? BinaryPrimitives.ReadUInt64BigEndian(message.AsSpan(2, 8))
            : null;
}
