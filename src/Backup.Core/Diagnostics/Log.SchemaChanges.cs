using Microsoft.Extensions.Logging;

namespace Backup.Core;

/// <summary>Log events of schema changes in change-capture chains (1550-1559).</summary>
internal static partial class Log
{
    [LoggerMessage(1550, LogLevel.Warning, "The chain {ChainId} does not capture schema changes ({Reason}): a schema change will end it")]
    public static partial void SchemaChangesNotCaptured(ILogger logger, string chainId, string reason);

    // The objects, not the text: a statement may hold a password (CREATE USER MAPPING ... OPTIONS (password ...)).
    [LoggerMessage(1551, LogLevel.Information, "Replaying the schema change {Tag} committed at {CommittedAt:O} on {Objects} as {Role}")]
    public static partial void SchemaChangeReplaying(ILogger logger, string tag, DateTimeOffset committedAt, string objects, string role);

    [LoggerMessage(1552, LogLevel.Information, "Part of a replayed schema change was left out: {Skipped}")]
    public static partial void SchemaChangeStatementSkipped(ILogger logger, string skipped);

}
