using Backup.Core.Changes;

namespace Backup.Core.Postgres;

/// <summary>
/// The changes of one large transaction that the server streams while it is still running
/// (pgoutput protocol v2 streaming), kept in a temporary file until its commit or abort arrives.
/// Changes (and schema changes, and relation descriptions, which must keep their place among them)
/// are grouped in runs by (sub)transaction id, so that a rolled-back savepoint's changes are dropped
/// at commit. The file uses the change-segment format and is deleted when disposed.
/// It holds row data in plain text (the backup's encryption applies to the segment, not here), so
/// it lives in a folder of this process only the host's account can enter (0700, made with a
/// random name, so another user cannot create it first) and is itself 0600.
/// </summary>
internal sealed class StreamedTransactionSpool : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly ChangeSegmentWriter _writer;
    private readonly HashSet<uint> _aborted = [];
    private uint? _run;

    // Directory.CreateTempSubdirectory makes the folder with mkdtemp: mode 0700, a name no one can guess.
    private static readonly Lazy<string> PrivateFolder = new(() => Directory.CreateTempSubdirectory("backup-core-spool-").FullName);

    public StreamedTransactionSpool()
    {
        var path = System.IO.Path.Combine(PrivateFolder.Value, Guid.NewGuid().ToString("N"));
        _file = new FileStream(path, Storage.PrivateFiles.CreateNew(FileAccess.ReadWrite, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous));
        _writer = new ChangeSegmentWriter(_file);
    }

    /// <summary>Where the spool is (deleted when disposed).</summary>
    public string Path => _file.Name;

    /// <summary>Changes spooled so far.</summary>
    public long Count => _writer.Changes;

    public async ValueTask AppendAsync(uint subtransactionXid, SegmentItem item, CancellationToken cancellationToken)
    {
        if (_run != subtransactionXid)
        {
            await CloseRunAsync(cancellationToken).ConfigureAwait(false);
            await _writer.WriteAsync(new BeginItem(subtransactionXid, 0, DateTimeOffset.UnixEpoch), cancellationToken).ConfigureAwait(false);
            _run = subtransactionXid;
        }
        await _writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A subtransaction was rolled back: its changes must not be applied.</summary>
    public void Abort(uint subtransactionXid) => _aborted.Add(subtransactionXid);

    /// <summary>
    /// Writes the changes of every subtransaction not rolled back, in their order, into
    /// <paramref name="target"/> (inside its open transaction), and every relation description
    /// (pgoutput describes a relation once per transaction, maybe in a savepoint later rolled back).
    /// Returns the descriptions written.
    /// </summary>
    public async Task<IReadOnlyList<SegmentRelation>> CopyCommittedAsync(ChangeSegmentWriter target, CancellationToken cancellationToken)
    {
        await CloseRunAsync(cancellationToken).ConfigureAwait(false);
        await _writer.CompleteAsync(0, cancellationToken).ConfigureAwait(false);
        _file.Position = 0;
        var skip = false;
        var relations = new List<SegmentRelation>();
        await foreach (var item in new ChangeSegmentReader(new Streams.LeaveOpenStream(_file)).ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case BeginItem run:
                    skip = _aborted.Contains(run.Xid);
                    break;
                case RelationItem relation:
                    relations.Add(relation.Relation);
                    await target.WriteAsync(relation, cancellationToken).ConfigureAwait(false);
                    break;
                case ChangeItem or SchemaChangeItem when !skip:
                    await target.WriteAsync(item, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        return relations;
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    private async ValueTask CloseRunAsync(CancellationToken cancellationToken)
    {
        if (_run is { } run)
        {
            await _writer.WriteAsync(new CommitItem(run, 0), cancellationToken).ConfigureAwait(false);
            _run = null;
        }
    }
}
