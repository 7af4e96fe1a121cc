using Backup.Core.Catalog;
using Backup.Core.Engine;
using Backup.Core.Recovery;
using NpgsqlTypes;

namespace Backup.Core.Continuous;

/// <summary>
/// Where continuous capture is in a chain: the newest segment it spooled (or the chain's newest
/// stored link), which the next segment continues — across reconnections, so that a database that
/// comes back resumes after what the spool already holds, not after what the store holds.
/// </summary>
internal sealed class ChainCursor
{
    private readonly Dictionary<string, string> _shapes;
    private DateTimeOffset _lastIdTime;

    private ChainCursor(RecoveryChain chain)
    {
        Chain = chain;
        var last = chain.Incrementals.Count > 0 ? chain.Incrementals[^1] : chain.Full;
        LastId = last.Id;
        EndLsn = (ulong)NpgsqlLogSequenceNumber.Parse(last.EndLsn ?? throw new Abstractions.BackupException($"The backup {last.Id} does not record where its changes end, so no segment can continue it: take a full backup."));
        _lastIdTime = BackupId.TimeOf(last.Id);
        var schema = ChainSchema.Of(chain);
        _shapes = schema.Shapes;
        SchemaChangesCaptured = schema.SchemaChangesCaptured;
    }

    public RecoveryChain Chain { get; }

    public string ChainId => Chain.Full.Id;

    /// <summary>The id of the newest link (stored or spooled): the next segment's parent.</summary>
    public string LastId { get; private set; }

    /// <summary>Where the newest link ends: the next segment starts after it.</summary>
    public ulong EndLsn { get; private set; }

    /// <summary>Whether the chain captures schema changes.</summary>
    public bool SchemaChangesCaptured { get; }

    /// <summary>The table shapes relations are checked against.</summary>
    public IReadOnlyDictionary<string, string> Shapes => _shapes;

    public static ChainCursor Start(RecoveryChain chain) => new(chain);

    /// <summary>A new id, later than every id of the chain so far: the planner orders links by id.</summary>
    public string NextId(DateTimeOffset now)
    {
        // Ids carry milliseconds: two segments within one would sort by their random part.
        var at = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        _lastIdTime = at > _lastIdTime ? at : _lastIdTime.AddMilliseconds(1);
        return BackupId.New(_lastIdTime);
    }

    /// <summary>A segment is spooled: the next one continues it, knowing the shapes it recorded.</summary>
    public void Advance(string id, ulong endLsn, IReadOnlyList<TableShape> recordedShapes)
    {
        LastId = id;
        EndLsn = endLsn;
        foreach (var partition in recordedShapes)
        {
            _shapes[partition.Table] = partition.Shape;
        }
    }
}
