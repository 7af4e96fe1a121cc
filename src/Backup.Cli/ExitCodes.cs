namespace Backup.Cli;

/// <summary>The exit codes of <c>backup-core</c>; documented in the root command's help and the README.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command failed (database or store unreachable, a backup that failed, ...).</summary>
    public const int Failed = 1;

    /// <summary>Wrong usage or configuration: an unknown option, a malformed id or store URI, a missing or wrong key.</summary>
    public const int Usage = 2;

    /// <summary>A backup is corrupt or was tampered with (a hash, an authentication tag or a row count does not match).</summary>
    public const int Integrity = 3;

    /// <summary>No backup (or schedule) has that id.</summary>
    public const int NotFound = 4;

    /// <summary>Another backup of the same database is running.</summary>
    public const int Busy = 5;

    /// <summary>The backup was not deleted: other backups depend on it (pass --cascade to delete them too).</summary>
    public const int HasDependents = 6;

    /// <summary>Cancelled by Ctrl+C or SIGTERM; nothing half-done is left.</summary>
    public const int Cancelled = 130;

    internal const string HelpText = """
        Exit codes: 0 ok, 1 failed, 2 usage or configuration error (also a missing or wrong key),
        3 integrity failure (a corrupt or tampered backup), 4 not found, 5 busy (another backup runs),
        6 not deleted because other backups depend on it (delete --cascade), 130 cancelled (Ctrl+C or SIGTERM; nothing half-done is left).
        """;
}
