using Microsoft.Extensions.Logging;

namespace Backup.Core;

/// <summary>Monitoring's messages: the catalog loaded at start, the health check's probes (1640-1659).</summary>
internal static partial class Log
{
    [LoggerMessage(1640, LogLevel.Information, "Catalog loaded at start for the metrics: {Count} backup(s) in the store")]
    public static partial void CatalogLoaded(ILogger logger, int count);

    [LoggerMessage(1641, LogLevel.Warning, "The catalog could not be loaded for the metrics (attempt {Attempt}, retrying in {Delay}): {Reason}")]
    public static partial void CatalogLoadFailed(ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(1642, LogLevel.Warning, "The catalog is not loaded at start: the backup system is not configured ({Reason}); the metrics load it with the first listing")]
    public static partial void CatalogLoadNotConfigured(ILogger logger, string reason);
}
