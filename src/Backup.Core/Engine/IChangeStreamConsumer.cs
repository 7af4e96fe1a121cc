using Backup.Core.Changes;

namespace Backup.Core.Engine;

/// <summary>
/// What a continuous stream writes into: one segment after another, each cut between transactions
/// when the consumer says it is due, and the position up to which the store holds them.
/// Called from the stream's one loop, never concurrently.
/// </summary>
internal interface IChangeStreamConsumer
{
    /// <summary>The stream is open: the server accepted the slot and the start position.</summary>
    void Connected();

    /// <summary>The segment the next items go to; opened when the previous one was cut.</summary>
    ValueTask<ChangeSegmentWriter> SegmentAsync(CancellationToken cancellationToken);

    /// <summary>Partitions new since the chain's full backup, just written at the start of the current segment.</summary>
    void PartitionsAdded(IReadOnlyList<TableShape> partitions);

    /// <summary>A transaction ended; <paramref name="written"/> says whether its changes went into the current segment.</summary>
    void Committed(ulong endLsn, DateTimeOffset commitTime, bool written);

    /// <summary>Whether the current segment should be cut at the next moment between transactions.</summary>
    bool CutDue { get; }

    /// <summary>How long the stream may wait for its next message before asking <see cref="CutDue"/> again.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>Ends the current segment: <paramref name="writeTail"/> adds the last items (sequence values), then it is completed and handed on. May wait for room in the spool.</summary>
    Task CutAsync(Func<ChangeSegmentWriter, CancellationToken, Task> writeTail, CancellationToken cancellationToken);

    /// <summary>The position up to which everything is stored: the server may forget the WAL before it.</summary>
    ulong Confirmed { get; }
}
