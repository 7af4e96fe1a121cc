namespace Backup.Core.Engine;

/// <summary>A database whose chain slot can be read continuously, as its transactions commit (continuous capture).</summary>
internal interface IContinuousChangeSource : IDatabase
{
    /// <summary>
    /// Reads <paramref name="request"/>'s slot from its resume position and writes every committed
    /// transaction into <paramref name="consumer"/>'s segments, cutting them when the consumer says
    /// so, and confirms to the server what the consumer says is stored. Runs until cancelled or
    /// until the connection fails.
    /// </summary>
    /// <exception cref="ReplicationSlotMissingException">The slot is gone.</exception>
    /// <exception cref="Abstractions.SchemaChangedException">A table changed since the chain's full backup.</exception>
    Task StreamAsync(ContinuousStreamRequest request, IChangeStreamConsumer consumer, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the right to record the chain of <paramref name="slot"/>, held by one process of any
    /// replica at a time (incrementals refuse while it is held); null when another process has it.
    /// </summary>
    Task<ICaptureLease?> TryLeaseAsync(string slot, CancellationToken cancellationToken);
}

/// <summary>Where a continuous stream starts.</summary>
/// <param name="Slot">The chain's slot.</param>
/// <param name="ResumeAfter">The end of what is already stored (or spooled): commits before it are not written again.</param>
/// <param name="Shapes">The chain's table shapes, which every relation is checked against.</param>
/// <param name="ChainId">The chain's full backup, for messages.</param>
/// <param name="IdleMarkerInterval">How long the stream may stay silent before a marker transaction is written, so that an idle database's recovery point still moves.</param>
/// <param name="CaptureSchemaChanges">The chain captures schema changes (its full backup's <c>ddl-capture</c> is on).</param>
internal sealed record ContinuousStreamRequest(string Slot, ulong ResumeAfter, IReadOnlyDictionary<string, string> Shapes, string ChainId, TimeSpan IdleMarkerInterval, bool CaptureSchemaChanges = false);
