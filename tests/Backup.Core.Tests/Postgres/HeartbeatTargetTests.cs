using System.Buffers.Binary;
using System.Text;
using Backup.Core.Postgres;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Postgres;

/// <summary>
/// How far a heartbeat may move a slot, read from a peek's pgoutput messages: to the newest
/// heartbeat that no change precedes, never past a change.
/// </summary>
public sealed class HeartbeatTargetTests
{
    private static readonly byte[] Begin = [(byte)'B', 0, 0];
    private static readonly byte[] Commit = [(byte)'C', 0, 0];
    private static readonly byte[] Relation = [(byte)'R', 0, 0];
    private static readonly byte[] Insert = [(byte)'I', 0, 0];

    [Fact]
    public void EmptyTransactionsAndHeartbeats_MoveToTheNewestHeartbeat()
    {
        var found = HeartbeatTarget.Find([Begin, Commit, Heartbeat(0x100), Begin, Commit, Heartbeat(0x200)]);

        Assert.Equal((0x200UL, false), (found.Target, found.ChangesPending));
    }

    [Fact]
    public void ChangeBeforeEveryHeartbeat_DoesNotMove()
    {
        var found = HeartbeatTarget.Find([Begin, Relation, Insert, Commit, Heartbeat(0x300)]);

        Assert.Equal((null, true), (found.Target, found.ChangesPending));
    }

    [Fact]
    public void ChangeBetweenHeartbeats_MovesOnlyToTheOneBeforeIt()
    {
        var found = HeartbeatTarget.Find([Heartbeat(0x100), Begin, Insert, Commit, Heartbeat(0x300)]);

        Assert.Equal((0x100UL, true), (found.Target, found.ChangesPending));
    }

    [Fact]
    public void TransactionalMessageOrAnotherPrefix_IsNoHeartbeat()
    {
        // The incremental's own marker (prefix "backup-core", transactional) and a transactional message with the heartbeat's prefix.
        var found = HeartbeatTarget.Find([Begin, Message(0x100, "backup-core", transactional: true), Commit, Message(0x200, HeartbeatTarget.Prefix, transactional: true), Message(0x300, "backup-core-heartbeatx", transactional: false)]);

        Assert.Equal((null, false), (found.Target, found.ChangesPending));
    }

    [Fact]
    public void NothingDecoded_DoesNotMove() => Assert.Equal((null, false), HeartbeatTarget.Find([]));

    [Property]
    public bool ArbitraryOutputs_NeverThrow(byte[][] outputs)
    {
        HeartbeatTarget.Find(outputs.Where(o => o is not null));
        return true;
    }

    private static byte[] Heartbeat(ulong lsn) => Message(lsn, HeartbeatTarget.Prefix, transactional: false);

    // pgoutput's message: 'M', flags, LSN, prefix NUL-terminated, content length, content (empty).
    private static byte[] Message(ulong lsn, string prefix, bool transactional)
    {
        var prefixBytes = Encoding.UTF8.GetBytes(prefix + "\0");
        var message = new byte[1 + 1 + 8 + prefixBytes.Length + 4];
        message[0] = (byte)'M';
        message[1] = transactional ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(2), lsn);
        prefixBytes.CopyTo(message, 10);
        return message;
    }
}
