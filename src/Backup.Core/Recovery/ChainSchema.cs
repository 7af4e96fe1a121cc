using Backup.Core.Catalog;

namespace Backup.Core.Recovery;

/// <summary>
/// What a change-capture chain knows of its tables: their shapes as of its newest link (the full
/// backup's, then those its incrementals recorded: new partitions, tables reshaped by captured
/// schema changes — a later link's wins), and whether its schema changes are captured.
/// </summary>
internal sealed record ChainSchema(Dictionary<string, string> Shapes, bool SchemaChangesCaptured)
{
    public static ChainSchema Of(RecoveryChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var shapes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var link in chain.Incrementals.Prepend(chain.Full))
        {
            foreach (var (key, value) in link.Properties)
            {
                if (key.StartsWith(ManifestProperties.TableShapePrefix, StringComparison.Ordinal))
                {
                    shapes[key[ManifestProperties.TableShapePrefix.Length..]] = value;
                }
            }
        }
        return new ChainSchema(shapes, ManifestProperties.CapturesSchemaChanges(chain.Full));
    }
}
