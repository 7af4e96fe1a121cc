using System.Collections.Concurrent;
using Backup.Core.Abstractions;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Runs;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Database;

/// <summary>
/// The parts of one full backup, stored through the run's pipeline next to its archive, their
/// bytes reported as one figure. When the run ends without its manifest, the parts it stored are
/// deleted: a failed or cancelled backup keeps nothing (as its archive's own write keeps nothing).
/// </summary>
internal sealed class FullBackupPartStore : IDataPartStore
{
    private const string Phase = "copying table data";
    private readonly BackupRunContext _context;
    private readonly FullBackupOptions _options;
    private readonly ProgressTotal _progress;
    private readonly ConcurrentBag<StoredContent> _stored = [];

    public FullBackupPartStore(BackupRunContext context, FullBackupOptions options, IProgress<BackupProgress>? progress, ILogger logger)
    {
        _context = context;
        _options = options;
        _progress = new ProgressTotal(Phase, progress);
        context.OnEnd(async stored =>
        {
            if (stored)
            {
                return;
            }
            foreach (var part in _stored)
            {
                try
                {
                    await context.DeleteStoredAsync(part).ConfigureAwait(false);
                }
                catch (BackupStorageException ex)
                {
                    // Orphan cleanup removes it later (no manifest claims it); the backup's own error is the one to report.
                    Log.PartNotDeleted(logger, part.Key, ex.Message);
                }
            }
        });
    }

    /// <summary>The table data bytes copied so far.</summary>
    public long Bytes => _progress.Bytes;

    public async Task<StoredContent> WriteAsync(int index, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var content = await _context.WritePartAsync(index, Phase, _progress.ForStream(), _options.Compress, _options.Encrypt, write, cancellationToken).ConfigureAwait(false);
        _stored.Add(content);
        return content;
    }
}
