using Backup.Core.Abstractions;

namespace Backup.Core.Diagnostics;

/// <summary>How the operator's log names an operation that did not complete.</summary>
internal static class OperatorLines
{
    /// <summary>
    /// A refusal: the request was checked and turned down before anything was written (a bad or
    /// unknown id, an existing target, a missing key, the configuration, another backup running),
    /// as opposed to a failure of the database, the store or the data on the way.
    /// </summary>
    public static bool IsRefusal(Exception error) => error switch
    {
        BackupObjectNotFoundException => true,
        BackupStorageException or BackupDatabaseException or BackupIntegrityException => false,
        BackupException or ArgumentException => true,
        _ => false,
    };
}
