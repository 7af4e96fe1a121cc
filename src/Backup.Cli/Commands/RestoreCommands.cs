using System.CommandLine;
using System.Globalization;
using Backup.Core.Operations;

namespace Backup.Cli.Commands;

/// <summary><c>restore</c> and <c>pitr</c>: bring a database (and files) back from the store, into a new database by default.</summary>
internal static class RestoreCommands
{
    private const string ServerNote = """
        DATABASE_URL names the database whose backups are restored and the server to restore onto (host, port, user;
        that database need not exist there). To restore onto another server, point DATABASE_URL at it: there is no
        --target URL, since a URL in an argument would show its password in ps.
        """;

    public static Command Restore(CliOptions options)
    {
        var id = new Argument<string?>("ID") { Description = "The backup to restore (a full or a file backup).", Arity = ArgumentArity.ZeroOrOne };
        var latest = new Option<bool>("--latest") { Description = "Restore the newest chain: its full backup and every incremental after it." };
        var tables = new Option<string[]>("--tables") { Description = "Only these tables (schema.table; a bare name means public); repeatable. Not with --latest.", HelpName = "TABLE", AllowMultipleArgumentsPerToken = true };
        var shared = new SharedRestoreOptions();
        var dropExisting = new Option<bool>("--drop-existing") { Description = "Replace the target database if it exists (its sessions are ended). Without it an existing target is refused." };
        var command = new Command("restore", $"""
            Restore a backup into a new database (<db>_restored_<time>) or --target-database; a file backup into --files-to.
            {ServerNote}
            Example: backup-core restore --latest --target-database app_recovered --store s3://acme-backups/prod --key-file backup.key
            Example: backup-core restore 20261130T021500123Z-1a2b3c4d --tables sales.orders --dry-run
            """)
        { id, latest, tables, dropExisting };
        shared.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(id) is null) == !result.GetValue(latest))
            {
                result.AddError("restore needs a backup ID or --latest (not both).");
            }
            else if (result.GetValue(latest) && (result.GetValue(tables)?.Length ?? 0) > 0)
            {
                result.AddError("--tables restores chosen tables of one backup: give its ID instead of --latest.");
            }
            else if (result.GetValue(latest) && result.GetValue(dropExisting))
            {
                result.AddError("--latest always restores into a new database; --drop-existing needs a backup ID.");
            }
        });
        command.SetAction(options, async context =>
        {
            if (context.Get(latest))
            {
                var chain = shared.PointInTimeOptions(context);
                var result = await ProgressDisplay.RunAsync(context.Console, null, progress => context.Backups.RestoreLatestAsync(chain, progress, context.CancellationToken));
                return PointInTimeOutput(context.Console, result);
            }
            var backupId = context.Get(id)!;
            var request = new RestoreOptions
            {
                TargetDatabase = context.Get(shared.TargetDatabase),
                DropExisting = context.Get(dropExisting),
                TerminateConnections = context.Get(dropExisting),
                DryRun = context.Get(shared.DryRun),
                VerifyBeforeRestore = context.Get(shared.VerifyFirst),
                Tables = context.Get(tables) ?? [],
                Files = shared.FileRestore(context),
                CreateMissingRoles = context.Get(shared.CreateMissingRoles),
                NoOwner = context.Get(shared.NoOwner),
            };
            var manifest = await context.Backups.GetBackupAsync(backupId, context.CancellationToken);
            if (manifest.Type == Backup.Core.Abstractions.BackupType.Files)
            {
                var files = request.Files ?? throw new CliUsageException($"{backupId} is a file backup: give --files-to DIR, the folder to restore into.");
                var fileResult = await context.Backups.RestoreFilesAsync(backupId, files, context.CancellationToken);
                if (context.Console.Json)
                {
                    context.Console.WriteJson(fileResult);
                }
                else
                {
                    context.Console.Summary($"Restored files of {backupId}", [("into", files.TargetDirectory)]);
                }
                return ExitCodes.Ok;
            }
            var restored = await ProgressDisplay.RunAsync(context.Console, request.DryRun ? null : manifest.RawBytes,
                progress => context.Backups.RestoreFromBackupAsync(backupId, request, progress, context.CancellationToken));
            if (context.Console.Json)
            {
                context.Console.WriteJson(restored);
            }
            else
            {
                context.Console.Summary(restored.DryRun ? $"Plan to restore {backupId} (dry run: nothing touched)" : $"Restored {backupId}",
                [
                    ("database", restored.TargetDatabase),
                    ("tables", $"{restored.RestoredRowCounts.Count} ({restored.RestoredRowCounts.Values.Sum():N0} rows, every count checked against the manifest)"),
                    ("bytes", ManifestOutput.Size(restored.Bytes)),
                    ("duration", ManifestOutput.Duration(restored.Duration)),
                    .. restored.Plan.Select(step => ("plan", ExceptionExitCodes.WithCliNames(step))),
                    .. restored.CreatedRoles.Select(role => ("created role", role)),
                ]);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command PointInTime(CliOptions options)
    {
        var to = new Option<DateTimeOffset>("--to")
        {
            Description = "The moment to recover to, ISO 8601 (2026-11-30T09:41:00Z; without an offset it is UTC).",
            HelpName = "TIME",
            CustomParser = result => TimeArgument.Parse(result, "--to") ?? default,
        };
        var beforeMigration = new Option<string?>("--before-migration")
        {
            Description = "Recover to just before this migration: the point its pre-migration backup recorded (BackupBeforeMigrationAsync; the newest when recorded twice).",
            HelpName = "ID",
        };
        var shared = new SharedRestoreOptions();
        var command = new Command("pitr", $"""
            Point-in-time recovery: the newest full backup before --to, then every transaction of its chain committed at or before --to, into a new database.
            {ServerNote}
            Example: backup-core pitr --to 2026-11-30T09:41:00Z --target-database app_0941 --store s3://acme-backups/prod --key-file backup.key
            Example: backup-core pitr --to 2026-11-30T09:41:00Z --dry-run     (the plan and the reachable time, nothing touched)
            Example: backup-core pitr --before-migration 20261203120000_AddTags --target-database app_before_tags
            """)
        { to, beforeMigration };
        shared.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(to) is null) == (result.GetValue(beforeMigration) is null))
            {
                result.AddError("pitr needs --to TIME or --before-migration ID (not both).");
            }
        });
        command.SetAction(options, async context =>
        {
            var migration = context.Get(beforeMigration);
            var result = await ProgressDisplay.RunAsync(context.Console, null, progress => migration is null
                ? context.Backups.PointInTimeRecoveryAsync(context.Get(to), shared.PointInTimeOptions(context), progress, context.CancellationToken)
                : context.Backups.RecoverBeforeMigrationAsync(migration, shared.PointInTimeOptions(context), progress, context.CancellationToken));
            return PointInTimeOutput(context.Console, result);
        });
        return command;
    }

    private static int PointInTimeOutput(CliConsole console, PointInTimeResult result)
    {
        if (console.Json)
        {
            console.WriteJson(result);
            return ExitCodes.Ok;
        }
        console.Summary(result.DryRun ? "Recovery plan (dry run: nothing touched)" : "Recovered",
        [
            ("database", result.TargetDatabase),
            ("target", result.Target.ToString("u", CultureInfo.InvariantCulture)),
            ("reached", result.Reached?.ToString("u", CultureInfo.InvariantCulture) ?? "the full backup"),
            ("backups", string.Join(", ", result.BackupIds)),
            ("replayed", $"{result.Transactions:N0} transactions, {result.Changes:N0} changes"),
            ("duration", ManifestOutput.Duration(result.Duration)),
            .. result.Plan.Select(step => ("plan", ExceptionExitCodes.WithCliNames(step))),
            .. result.Caveats.Select(caveat => ("caveat", caveat)),
            .. result.CreatedRoles.Select(role => ("created role", role)),
        ]);
        return ExitCodes.Ok;
    }

    /// <summary>The options restore and pitr share.</summary>
    private sealed class SharedRestoreOptions
    {
        public Option<string?> TargetDatabase { get; } = new("--target-database") { Description = "The database to create (default: <db>_restored_<UTC time>).", HelpName = "NAME" };

        public Option<string?> Target { get; } = new("--target") { Hidden = true };

        public Option<DirectoryInfo?> FilesTo { get; } = new("--files-to") { Description = "Restore the file backup (or the one taken with the database backup) into this folder.", HelpName = "DIR" };

        public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Print the plan; touch no database and no file." };

        public Option<bool> VerifyFirst { get; } = new("--verify-first") { Description = "Verify every backup used before restoring." };

        public Option<bool> CreateMissingRoles { get; } = new("--create-missing-roles") { Description = "On a fresh server: create the roles the backup's objects name that the server lacks (no password, never SUPERUSER). Needs CREATEROLE." };

        public Option<bool> NoOwner { get; } = new("--no-owner") { Description = "Restore without owners and privileges (pg_restore --no-owner --no-privileges): for a server without the source's roles." };

        public SharedRestoreOptions() =>
            Target.Validators.Add(result => result.AddError(
                "There is no --target URL: the restore goes to the server of DATABASE_URL. Point DATABASE_URL at the server to restore onto, and name the database with --target-database."));

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { TargetDatabase, Target, FilesTo, DryRun, VerifyFirst, CreateMissingRoles, NoOwner })
            {
                command.Options.Add(option);
            }
        }

        public FileRestoreOptions? FileRestore(CommandContext context) =>
            context.Get(FilesTo) is { } folder ? new FileRestoreOptions { TargetDirectory = folder.FullName } : null;

        public PointInTimeOptions PointInTimeOptions(CommandContext context) => new()
        {
            TargetDatabase = context.Get(TargetDatabase),
            DryRun = context.Get(DryRun),
            Verify = context.Get(VerifyFirst),
            Files = FileRestore(context),
            CreateMissingRoles = context.Get(CreateMissingRoles),
            NoOwner = context.Get(NoOwner),
        };
    }
}
