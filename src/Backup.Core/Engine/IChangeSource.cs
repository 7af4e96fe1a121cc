using Backup.Core.Abstractions;
using Backup.Core.Changes;

namespace Backup.Core.Engine;

/// <summary>Where incrementals get their changes: a chain's replication slot, or rows newer than a timestamp.</summary>
internal interface IChangeSource : IDatabase
{
    /// <summary>
    /// Writes every transaction the slot holds, up to the server's current WAL position, into
    /// <paramref name="writer"/>, checking each table against the chain's <paramref name="schema"/>
    /// (and, when it captures schema changes, writing them at their place).
    /// Does not move the slot (<see cref="AcknowledgeAsync"/> does).
    /// </summary>
    /// <exception cref="ReplicationSlotMissingException">The slot is gone.</exception>
    /// <exception cref="SchemaChangedException">A table changed since the chain's full backup.</exception>
    Task<CapturedChanges> CaptureAsync(string slot, ChangeSegmentWriter writer, Recovery.ChainSchema schema, string chainId, CancellationToken cancellationToken);

    /// <summary>Lets the server forget the slot's changes up to <paramref name="endLsn"/>.</summary>
    Task AcknowledgeAsync(string slot, ulong endLsn, CancellationToken cancellationToken);

    /// <summary>Writes every row of <paramref name="tables"/> (every table with the timestamp column when null) changed at or after <paramref name="since"/>.</summary>
    Task<TimestampExportResult> ExportSinceAsync(DateTimeOffset since, IReadOnlyList<string>? tables, bool waitIfBusy, ChangeSegmentWriter writer, CancellationToken cancellationToken);
}
