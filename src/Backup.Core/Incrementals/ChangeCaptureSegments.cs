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
        // The chain knows its full backup's tables and the partitions its incrementals added since.
        var shapes = chain.Incrementals.Prepend(chain.Full).SelectMany(b => b.Properties)
            .Where(p => p.Key.StartsWith(ManifestProperties.TableShapePrefix, StringComparison.Ordinal))
            .GroupBy(p => p.Key[ManifestProperties.TableShapePrefix.Length..], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var captured = await source.CaptureAsync(slot, writer, shapes, chain.Full.Id, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(captured.EndLsn, cancellationToken).ConfigureAwait(false);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { [ManifestProperties.IncrementalMode] = ManifestProperties.ChangeCaptureMode };
        foreach (var partition in captured.AddedPartitions)
        {
            properties[ManifestProperties.TableShapePrefix + partition.Table] = partition.Shape;
        }
        return new SegmentCapture(
            new NpgsqlLogSequenceNumber(captured.EndLsn).ToString(), captured.FirstCommit, captured.LastCommit, null,
            properties,
            // Only once the manifest is stored may the server forget these changes.
            ct => source.AcknowledgeAsync(slot, captured.EndLsn, ct));
    }
}
