using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Pipeline;
using Backup.Core.Recovery;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Compaction;

/// <summary>
/// Merges old change-capture incrementals of every chain into one per hour (or per size), so a
/// store with a segment a second does not hold thousands of objects an hour for recovery,
/// verification, retention and listing to walk. The order of work is what makes a crash harmless:
/// the merged segment and its manifest are written and verified before any source is deleted, and
/// the planner prefers a merged link over its sources, so every state in between recovers the same.
/// </summary>
internal sealed class SegmentCompaction(BackupCatalog catalog, BackupPipeline pipeline, TimeProvider time, ILogger logger)
{
    /// <summary>Compacts every chain; see <see cref="BackupService.CompactSegmentsAsync"/>.</summary>
    public Task<SegmentCompactionResult> CompactAsync(SegmentCompactionOptions options, CancellationToken cancellationToken) =>
        CompactAsync(options.CompactAfter, options.MaxMergedBytes, cancellationToken);

    /// <summary>Compacts every chain: incrementals completed more than <paramref name="compactAfter"/> ago, merged up to <paramref name="maxMergedBytes"/> plain bytes each.</summary>
    public async Task<SegmentCompactionResult> CompactAsync(TimeSpan compactAfter, long maxMergedBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compactAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMergedBytes, 1);
        var cutoff = time.GetUtcNow() - compactAfter;
        var completed = await ListCompletedAsync(cancellationToken).ConfigureAwait(false);
        var result = new SegmentCompactionResult();
        foreach (var database in completed.Where(b => b.Type == BackupType.Full && b.Database is not null).Select(b => b.Database!).Distinct(StringComparer.Ordinal))
        {
            foreach (var chain in RecoveryPlanner.Chains(completed, database))
            {
                result = Add(result, await CompactChainAsync(chain, completed, cutoff, maxMergedBytes, cancellationToken).ConfigureAwait(false));
            }
        }
        return result;
    }

    private async Task<SegmentCompactionResult> CompactChainAsync(
        RecoveryChain chain, IReadOnlyList<BackupManifest> completed, DateTimeOffset cutoff, long maxMergedBytes, CancellationToken cancellationToken)
    {
        var leftovers = CompactionPlan.Leftovers(chain, completed);
        var before = chain.Incrementals.Concat(leftovers).Sum(CompactionPlan.Objects);
        var after = before;
        // An earlier run stored and verified its merge but did not finish deleting: finish now.
        var deletedLeftovers = await DeleteSourcesAsync(chain.Full.Id, "an earlier merge", leftovers, cancellationToken).ConfigureAwait(false);
        after -= leftovers.Take(deletedLeftovers).Sum(CompactionPlan.Objects);
        if (deletedLeftovers > 0)
        {
            Log.CompactionLeftoversDeleted(logger, chain.Full.Id, deletedLeftovers);
        }
        int merged = 0, written = 0, failed = 0;
        foreach (var bucket in CompactionPlan.Buckets(chain, cutoff, maxMergedBytes))
        {
            BackupManifest mergedManifest;
            try
            {
                mergedManifest = await MergeAsync(bucket, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed++;
                Log.CompactionGroupFailed(logger, bucket.Count, bucket[0].Id, bucket[^1].Id, chain.Full.Id, ex.Message);
                continue;
            }
            written++;
            after += CompactionPlan.Objects(mergedManifest);
            // From here the merged link is what recovery follows; a source not deleted now is a leftover the next run deletes.
            var deleted = await DeleteSourcesAsync(chain.Full.Id, mergedManifest.Id, bucket, cancellationToken).ConfigureAwait(false);
            merged += bucket.Count;
            after -= bucket.Take(deleted).Sum(CompactionPlan.Objects);
        }
        if (written > 0 || failed > 0 || deletedLeftovers > 0)
        {
            Log.ChainCompacted(logger, chain.Full.Id, merged, written, before, after);
        }
        return new SegmentCompactionResult
        {
            ChainsExamined = 1,
            SegmentsMerged = merged,
            SegmentsWritten = written,
            LeftoversDeleted = deletedLeftovers,
            FailedGroups = failed,
            ObjectsBefore = before,
            ObjectsAfter = after,
        };
    }

    // Writes the merged segment and its manifest, then reads it back through the pipeline. Anything
    // that fails removes what was written, so a failed group leaves only its sources.
    private async Task<BackupManifest> MergeAsync(IReadOnlyList<BackupManifest> sources, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            source.RequireDetails();
        }
        var id = BackupId.New(sources[0].StartedAt);
        long transactions = 0, changes = 0;
        var content = await pipeline.WriteAsync(BackupCatalog.DataKey(BackupType.Incremental, id), async (stream, ct) =>
        {
            var writer = new ChangeSegmentWriter(stream, marksSources: true);
            ulong endLsn = 0;
            for (var i = 0; i < sources.Count; i++)
            {
                if (i > 0)
                {
                    await writer.WriteAsync(SourceBoundaryItem.Instance, ct).ConfigureAwait(false);
                }
                endLsn = await pipeline.ReadAsync(sources[i].Content!, (source, readCt) => CopyAsync(source, writer, readCt), ct).ConfigureAwait(false);
            }
            await writer.CompleteAsync(endLsn, ct).ConfigureAwait(false);
            (transactions, changes) = (writer.Transactions, writer.Changes);
        }, new PipelineWriteOptions(), cancellationToken).ConfigureAwait(false);
        var manifest = MergedManifest.Of(sources, id, content, transactions, changes);
        var saved = false;
        try
        {
            if (sources.Sum(s => s.TransactionCount ?? 0) != transactions || sources.Sum(s => s.ChangeCount ?? 0) != changes)
            {
                throw new BackupIntegrityException(
                    $"the merged segment holds {transactions} transactions and {changes} changes, but its sources' manifests count {sources.Sum(s => s.TransactionCount ?? 0)} and {sources.Sum(s => s.ChangeCount ?? 0)}");
            }
            await catalog.SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
            saved = true;
            await pipeline.VerifyAsync(content, cancellationToken).ConfigureAwait(false);
            return manifest;
        }
        catch (Exception)
        {
            // Not cancellable: a merged manifest left without verified data would be followed by recovery.
            if (saved)
            {
                await catalog.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await pipeline.Storage.DeleteAsync(content.Key, CancellationToken.None).ConfigureAwait(false);
            }
            throw;
        }
    }

    // Every item but the end record, in order; the source's end position is returned for the merged end record.
    private static async Task<ulong> CopyAsync(Stream source, ChangeSegmentWriter writer, CancellationToken cancellationToken)
    {
        await foreach (var item in new ChangeSegmentReader(source).ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item is EndItem end)
            {
                return end.EndLsn;
            }
            await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        throw new BackupIntegrityException("The change segment ended without its end record.");
    }

    // Manifest first, then data (the catalog's delete), source by source; stops at the first failure and says so.
    private async Task<int> DeleteSourcesAsync(string chainId, string mergedInto, IReadOnlyList<BackupManifest> sources, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var source in sources)
        {
            try
            {
                await catalog.DeleteAsync(source.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.CompactionSourcesKept(logger, chainId, mergedInto, sources.Count - deleted, ex.Message);
                break;
            }
            deleted++;
        }
        return deleted;
    }

    private async Task<IReadOnlyList<BackupManifest>> ListCompletedAsync(CancellationToken cancellationToken) =>
        await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false);

    private static SegmentCompactionResult Add(SegmentCompactionResult a, SegmentCompactionResult b) => new()
    {
        ChainsExamined = a.ChainsExamined + b.ChainsExamined,
        SegmentsMerged = a.SegmentsMerged + b.SegmentsMerged,
        SegmentsWritten = a.SegmentsWritten + b.SegmentsWritten,
        LeftoversDeleted = a.LeftoversDeleted + b.LeftoversDeleted,
        FailedGroups = a.FailedGroups + b.FailedGroups,
        ObjectsBefore = a.ObjectsBefore + b.ObjectsBefore,
        ObjectsAfter = a.ObjectsAfter + b.ObjectsAfter,
    };
}
