using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Database;
using Backup.Core.Operations;
using Backup.Core.Pipeline;

namespace Backup.Core.Verification;

/// <summary>
/// The check of a full backup's table data parts: each read through (every tag and hash), its rows
/// counted as they pass and compared with the manifest, which also catches a part stored under
/// another part's name whose own checks would pass.
/// </summary>
internal static class FullBackupParts
{
    public static async Task<VerifyCheck> VerifyAsync(BackupManifest full, BackupPipeline pipeline, CancellationToken cancellationToken)
    {
        var source = FullBackupSources.Of(full, pipeline);
        long bytes = 0, rows = 0;
        foreach (var part in source.Parts)
        {
            try
            {
                rows += await CountRowsAsync(part, cancellationToken).ConfigureAwait(false);
            }
            catch (BackupIntegrityException ex) when (!ex.Message.Contains(part.Part.Content.Key, StringComparison.Ordinal))
            {
                throw new BackupIntegrityException($"'{part.Part.Content.Key}' (rows of {part.Part.Table}): {ex.Message}", ex);
            }
        }
        return new VerifyCheck("table data parts", true, $"{full.Parts.Count} part(s), {bytes:N0} bytes and {rows:N0} rows, every hash and row count checked");

        async Task<long> CountRowsAsync(Engine.DataPartSource part, CancellationToken cancellationToken)
        {
            var stream = await part.Open(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 17];
                long partRows = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    partRows += buffer.AsSpan(0, read).Count((byte)'\n');
                    bytes += read;
                }
                if (partRows != part.Part.Rows)
                {
                    throw new BackupIntegrityException($"'{part.Part.Content.Key}' holds {partRows:N0} rows of {part.Part.Table}; the manifest says {part.Part.Rows:N0}.");
                }
                return partRows;
            }
        }
    }
}
