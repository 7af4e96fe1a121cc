using Microsoft.Extensions.Logging;

namespace Backup.Core;

/// <summary>Log events of full backups and restores taken in parts (1545-1549).</summary>
internal static partial class Log
{
    [LoggerMessage(1545, LogLevel.Information, "Dumping in parts on {Jobs} connections: {Parts} part(s) of {Tables} table(s) copied beside pg_dump, which writes the schema and the smaller tables")]
    public static partial void DumpInParts(ILogger logger, int parts, int tables, int jobs);

    [LoggerMessage(1546, LogLevel.Information, "Restoring into {Database} in sections: schema, then {Parts} table data part(s) on {Jobs} connections, then indexes and constraints with pg_restore -j {Jobs}")]
    public static partial void RestoreInParts(ILogger logger, string database, int parts, int jobs);

    [LoggerMessage(1547, LogLevel.Warning, "The part {Key} of a backup that did not complete could not be deleted ({Reason}); orphan cleanup removes it later")]
    public static partial void PartNotDeleted(ILogger logger, string key, string reason);

    [LoggerMessage(1548, LogLevel.Information, "The database's encoding is {Encoding}, not UTF8: this full backup is one pg_dump stream, not taken in parts")]
    public static partial void DumpNotInParts(ILogger logger, string encoding);
}
