using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Backup.Core.Pipeline;

namespace Backup.Core.Database;

/// <summary>A full backup's stored objects as the engine restores them, each read through the pipeline with every check.</summary>
internal static class FullBackupSources
{
    /// <summary>Reads every object of <paramref name="full"/> through and checks it: archive, roles, parts.</summary>
    /// <exception cref="BackupIntegrityException">An object is damaged or missing.</exception>
    public static async Task VerifyAsync(BackupManifest full, BackupPipeline pipeline, CancellationToken cancellationToken)
    {
        foreach (var content in full.StoredObjects())
        {
            try
            {
                await pipeline.VerifyAsync(content, cancellationToken).ConfigureAwait(false);
            }
            catch (BackupObjectNotFoundException ex)
            {
                throw Missing(full, content, ex);
            }
        }
    }

    /// <summary>The archive and the parts of <paramref name="full"/>; their bytes reported to <paramref name="progress"/> as one figure when given.</summary>
    public static FullBackupSource Of(BackupManifest full, BackupPipeline pipeline, ProgressTotal? progress = null)
    {
        async Task<Stream> OpenAsync(StoredContent content, CancellationToken cancellationToken, bool counted = true)
        {
            Stream stream;
            try
            {
                stream = await pipeline.OpenReadAsync(content, cancellationToken).ConfigureAwait(false);
            }
            catch (BackupObjectNotFoundException ex)
            {
                throw Missing(full, content, ex);
            }
            if (progress is null || !counted)
            {
                return stream;
            }
            var reporter = progress.ForStream();
            // The last bytes (under the reporting step) are counted when the stream is closed.
            return new ProgressStream(stream, "restoring", reporter, done => reporter.Report(new BackupProgress("restoring", done)));
        }
        return new FullBackupSource(
            ct => OpenAsync(full.Content!, ct),
            [.. full.Parts.Select(part => new DataPartSource(part, ct => OpenAsync(part.Content, ct)))])
        {
            PeekArchive = ct => OpenAsync(full.Content!, ct, counted: false),
        };
    }

    /// <summary>
    /// The tables whose rows a restore of <paramref name="full"/> loads from its parts alone (of
    /// <paramref name="tablesWithData"/> when given) and so counts as it loads them, each part checked
    /// against its row count: those whose manifest count is the sum of their parts (not a parent whose
    /// count includes the rows of tables that inherit from it).
    /// </summary>
    public static IReadOnlyDictionary<string, long> LoadedRows(BackupManifest full, IReadOnlyCollection<string>? tablesWithData) =>
        full.Parts
            .Where(p => p.Table is not null && p.Rows is not null && (tablesWithData is null || tablesWithData.Contains(p.Table)))
            .GroupBy(p => p.Table!, StringComparer.Ordinal)
            .Select(t => (Table: t.Key, Rows: t.Sum(p => p.Rows!.Value)))
            .Where(t => full.TableRowCounts.TryGetValue(t.Table, out var expected) && expected == t.Rows)
            .ToDictionary(t => t.Table, t => t.Rows, StringComparer.Ordinal);

    private static BackupIntegrityException Missing(BackupManifest full, StoredContent content, Exception cause) =>
        new($"The backup {full.Id} is incomplete: its object '{content.Key}' is missing from the store.", cause);
}
