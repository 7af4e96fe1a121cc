using Backup.Core.Monitoring;

namespace Backup.Core;

/// <summary>Analytics over the catalog.</summary>
public sealed partial class BackupService
{
    /// <summary>Success rate, sizes, storage used, counts per type, average and p95 duration, last success per type.</summary>
    public async Task<BackupAnalytics> GetBackupAnalyticsAsync(CancellationToken cancellationToken = default)
    {
        var all = await ListBackupsAsync(null, cancellationToken).ConfigureAwait(false);
        _metrics?.Update(all);
        return _metrics?.Analytics ?? BackupAnalytics.Of(all);
    }
}
