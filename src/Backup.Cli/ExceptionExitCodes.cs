using Backup.Core.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.Cli;

/// <summary>Maps what the library throws to an exit code and a message that names the problem and the fix.</summary>
internal static class ExceptionExitCodes
{
    public static int For(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => ExitCodes.Cancelled,
        CliUsageException or OptionsValidationException or BackupConfigurationException or InvalidBackupIdException
            or UnknownTableException or MissingRolesException => ExitCodes.Usage,
        // A migration id the CLI passed on as given: the operator's to fix.
        ArgumentException { ParamName: "migrationId" } => ExitCodes.Usage,
        // A wrong or missing key is the operator's to fix (give the right key); the backup itself is not damaged.
        EncryptionKeyException => ExitCodes.Usage,
        BackupNotFoundException or ScheduleNotFoundException or UnknownMigrationException => ExitCodes.NotFound,
        // A manifest whose data object is gone, a hash or tag that fails, an archive entry that escapes: damage or tampering.
        BackupIntegrityException or BackupObjectNotFoundException or UnsafeArchiveEntryException => ExitCodes.Integrity,
        BackupInProgressException => ExitCodes.Busy,
        BackupHasDependentsException => ExitCodes.HasDependents,
        _ => ExitCodes.Failed,
    };

    /// <summary>The message for people: the library's, with its option names turned into this tool's flags.</summary>
    public static string MessageFor(Exception exception) => exception switch
    {
        OptionsValidationException options => "Invalid configuration: " + string.Join(" ", options.Failures),
        MissingRolesException missing => WithCliNames(missing.Message) + " Pass --create-missing-roles to create them, or --no-owner to restore without owners and privileges.",
        BackupStorageException storage => WithCliNames(storage.Message) + (storage.IsTransient ? " The store may be unreachable: check --store, the network and the credentials, then try again." : ""),
        Npgsql.NpgsqlException or System.Net.Sockets.SocketException => $"Cannot reach the database: {exception.Message}. Check DATABASE_URL (host, port, user, password, database) and that the server is up.",
        _ => WithCliNames(exception.Message),
    };

    /// <summary>The library's option names in a message or plan step, as this tool's flags.</summary>
    public static string WithCliNames(string message) => message
        .Replace("set DropExisting", "pass --drop-existing", StringComparison.Ordinal)
        .Replace("CreateMissingRoles = true", "--create-missing-roles", StringComparison.Ordinal)
        .Replace("NoOwner = true", "--no-owner", StringComparison.Ordinal)
        .Replace("CreateMissingRoles or NoOwner", "--create-missing-roles or --no-owner", StringComparison.Ordinal)
        .Replace("(TargetSchema)", "(--schema)", StringComparison.Ordinal)
        .Replace("(WaitIfBusy)", "(--wait-if-busy)", StringComparison.Ordinal)
        .Replace("delete with cascade", "pass --cascade", StringComparison.Ordinal)
        .Replace("(see ListBackupsAsync)", "(see backup-core list)", StringComparison.Ordinal)
        .Replace("with BackupBeforeMigrationAsync", "with backup-core backup before-migration ID", StringComparison.Ordinal);
}
