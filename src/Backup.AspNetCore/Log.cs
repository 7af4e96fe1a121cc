using Microsoft.Extensions.Logging;

namespace Backup.AspNetCore;

/// <summary>Every log message of Backup.AspNetCore, with stable event ids (1350-1359 and 3040-3049 the API, 3020-3029 the dashboard, beside Backup.Core's).</summary>
internal static partial class Log
{
    [LoggerMessage(1350, LogLevel.Error, "Backup API request {Method} {Path} failed with {Status}; the client was shown a generic message")]
    public static partial void RequestFailed(ILogger logger, Exception error, string method, string path, int status);

    [LoggerMessage(1351, LogLevel.Error, "Backup API operation {OperationId} ({Kind}) failed with {Status}")]
    public static partial void OperationFailed(ILogger logger, Exception error, string operationId, string kind, int status);

    [LoggerMessage(1352, LogLevel.Error, "Download of backup {BackupId} failed after the response had started; the connection is aborted")]
    public static partial void DownloadAborted(ILogger logger, Exception error, string backupId);

    [LoggerMessage(3040, LogLevel.Information, "Backup API keeps its own operations (AddBackupEndpoints was not called): the dashboard does not see them, and their options are the defaults")]
    public static partial void OwnOperations(ILogger logger);

    [LoggerMessage(3020, LogLevel.Error, "Backup dashboard request {Method} {Path} failed with {Status}; the page shows a generic message")]
    public static partial void DashboardRequestFailed(ILogger logger, Exception error, string method, string path, int status);

    [LoggerMessage(3021, LogLevel.Warning, "Backup dashboard refused {Method} {Path}: its antiforgery token is missing or invalid")]
    public static partial void DashboardAntiforgeryRefused(ILogger logger, string method, string path);

    [LoggerMessage(3050, LogLevel.Warning, "The record of operation {OperationId} could not be written to or read from the store; other replicas see it late or not at all")]
    public static partial void OperationRecordFailed(ILogger logger, Exception error, string operationId);

    [LoggerMessage(3051, LogLevel.Information, "Cancellation of operation {OperationId} ({Kind}) was requested")]
    public static partial void OperationCancelRequested(ILogger logger, string operationId, string kind);

    [LoggerMessage(3052, LogLevel.Information, "Operation {OperationId} ({Kind}) was cancelled")]
    public static partial void OperationCancelled(ILogger logger, string operationId, string kind);

    [LoggerMessage(3055, LogLevel.Error, "The final state ({Status}) of operation {OperationId} ({Kind}) could not be written to the store after {Attempts} attempts; other replicas will show it abandoned")]
    public static partial void OperationFinalRecordLost(ILogger logger, string operationId, string kind, string status, int attempts);
}
