using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Engine;
using Backup.Core.Recovery;
using NpgsqlTypes;

namespace Backup.Core.Incrementals;

/// <summary>A change-capture incremental's segment: every transaction the chain's slot holds, up to now.</summary>
internal static class ChangeCaptureSegments
{
    /// <summary>Drains <paramref name="slot"/> into <paramref name="writer"/>; the slot is acknowledged by <see cref="SegmentCapture.AfterStored"/>.</summary>
    public static async Task<SegmentCapture> CaptureAsync(IChangeSource source, RecoveryChain chain, string slot, ChangeSegmentWriter writer, CancellationToken cancellationToken)
    {
        var schema = ChainSchema.Of(chain);
        var captured = await source.CaptureAsync(slot, writer, schema, chain.Full.Id, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(captured.EndLsn, cancellationToken).ConfigureAwait(false);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { [ManifestProperties.IncrementalMode] = ManifestProperties.ChangeCaptureMode };
        // New partitions first: a schema change later in the segment may have reshaped one.
        foreach (var (table, shape) in captured.AddedPartitions.Select(p => (p.Table, p.Shape)).Concat(writer.SchemaShapes.Select(p => (p.Key, p.Value))))
        {
            properties[ManifestProperties.TableShapePrefix + table] = shape;
        }
        return new SegmentCapture(
            new NpgsqlLogSequenceNumber(captured.EndLsn).ToString(), captured.FirstCommit, captured.LastCommit, null,
            properties,
            // Only once the manifest is stored may the server forget these changes.
            ct => source.AcknowledgeAsync(slot, captured.EndLsn, ct));
    }
}
