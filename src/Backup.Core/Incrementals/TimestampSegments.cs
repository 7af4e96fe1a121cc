using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Backup.Core.Recovery;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Incrementals;

/// <summary>A timestamp-mode incremental's segment: every row whose timestamp column moved since the chain's previous backup (or <c>Since</c>).</summary>
internal sealed class TimestampSegments(ILogger logger)
{
    /// <summary>Exports the rows into <paramref name="writer"/>.</summary>
    public async Task<SegmentCapture> ExportAsync(IChangeSource source, RecoveryChain chain, IncrementalBackupOptions options, ChangeSegmentWriter writer, CancellationToken cancellationToken)
    {
        var parent = chain.Incrementals.Count > 0 ? chain.Incrementals[^1] : chain.Full;
        var since = options.Since ?? (parent.Properties.TryGetValue(ManifestProperties.ChangesSince, out var at)
            ? ManifestProperties.ParseTimestamp(at) - source.Settings.TimestampOverlap
            : throw new BackupException($"The backup {parent.Id} does not record where the next timestamp-mode incremental should start (it predates this version): pass Since, or take a full backup."));
        if (options.Tables is { Count: 0 })
        {
            // An incremental of no table would still move the chain's mark past every change made meanwhile.
            throw new ArgumentException("Tables is empty: name at least one table, or leave it null for every table with the timestamp column.", nameof(options));
        }
        var column = source.Settings.TimestampColumn;
        var exported = await source.ExportSinceAsync(since.ToUniversalTime(), options.Tables, options.WaitIfBusy, writer, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(0, cancellationToken).ConfigureAwait(false);
        if (exported.NotCovered.Count > 0)
        {
            Log.TimestampTablesNotCovered(logger, column, string.Join(", ", exported.NotCovered));
        }
        return new SegmentCapture(null, exported.SnapshotAt, exported.SnapshotAt, exported.SnapshotAt,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ManifestProperties.IncrementalMode] = ManifestProperties.TimestampMode,
                [ManifestProperties.Deletes] = "not captured: timestamp-mode incrementals hold rows changed since 'since'; rows deleted since are still present after recovery",
                [ManifestProperties.Since] = ManifestProperties.Timestamp(since),
                [ManifestProperties.TimestampColumn] = column,
                [ManifestProperties.Tables] = string.Join(",", exported.Tables),
                [ManifestProperties.NotCovered] = string.Join(",", exported.NotCovered),
                [ManifestProperties.SnapshotAt] = ManifestProperties.Timestamp(exported.SnapshotAt),
                [ManifestProperties.ChangesSince] = ManifestProperties.Timestamp(exported.NextSince),
            },
            null);
    }
}
