using Microsoft.Extensions.Logging;

namespace Backup.Core;

/// <summary>Continuous capture's messages (event ids 1520-1529): each fault once when it starts, once when it ends.</summary>
internal static partial class Log
{
    [LoggerMessage(1520, LogLevel.Information, "Continuous capture of {Database} is recording chain {ChainId} from {Lsn} (segments every {FlushSeconds:0.###} s)")]
    public static partial void CaptureStarted(ILogger logger, string database, string chainId, string lsn, double flushSeconds);

    [LoggerMessage(1521, LogLevel.Warning, "Continuous capture: {Fault}. {Advice}")]
    public static partial void CaptureFaultStarted(ILogger logger, string fault, string advice);

    [LoggerMessage(1522, LogLevel.Information, "Continuous capture: {Fault} is over after {Seconds:0.0} s; nothing was lost")]
    public static partial void CaptureFaultEnded(ILogger logger, string fault, double seconds);

    [LoggerMessage(1523, LogLevel.Error, "Continuous capture stopped: {Reason}. {Advice}")]
    public static partial void CaptureStopped(ILogger logger, string reason, string advice);

    [LoggerMessage(1524, LogLevel.Information, "Continuous capture: a newer chain ({ChainId}) was found; recording it from now on")]
    public static partial void CaptureChainChanged(ILogger logger, string chainId);

    [LoggerMessage(1526, LogLevel.Warning, "Continuous capture: compacting old segments failed ({Reason}); it is tried again in ten minutes, and recovery is not affected")]
    public static partial void CaptureCompactionFailed(ILogger logger, string reason);

    [LoggerMessage(1527, LogLevel.Warning, "Continuous capture: segment {BackupId} is stored, but its spool copy could not be deleted ({Reason}); it is cleared at the next start")]
    public static partial void CaptureSpoolCopyKept(ILogger logger, string backupId, string reason);

    [LoggerMessage(1525, LogLevel.Information, "Continuous capture: removed {Count} segment(s) a previous run left in the spool {Directory}; the slot still holds their changes")]
    public static partial void CaptureSpoolCleared(ILogger logger, int count, string directory);
}
