using System.CommandLine;
using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.Cli.Commands;

/// <summary><c>backup full|incremental|files</c>: take a backup and print its manifest's summary.</summary>
internal static class BackupCommands
{
    public static Command Create(CliOptions options)
    {
        var backup = new Command("backup", "Take a backup: full (a new chain), incremental (the changes since the last backup) or files.");
        backup.Subcommands.Add(Full(options));
        backup.Subcommands.Add(Incremental(options));
        backup.Subcommands.Add(Files(options));
        backup.Subcommands.Add(BeforeMigration(options));
        return backup;
    }

    // For migrators run from scripts (Flyway, sqitch, plain psql): the hook that EF Core hosts call in code.
    private static Command BeforeMigration(CliOptions options)
    {
        var id = new Argument<string>("ID") { Description = "The migration about to be applied (printable, at most 200 characters); pitr --before-migration ID recovers to this point." };
        var command = new Command("before-migration", """
            Record the point just before a schema migration: an incremental in a change-capture chain, otherwise a full backup (a mark on the chain while continuous capture runs in this process).
            Example: backup-core backup before-migration V42__add_tags --store s3://acme-backups/prod --key-file /run/secrets/backup-key && flyway migrate
            """)
        { id };
        command.SetAction(options, async context =>
        {
            var taken = await ProgressDisplay.RunAsync(context.Console, null, _ => context.Backups.BackupBeforeMigrationAsync(context.Get(id), context.CancellationToken));
            if (context.Console.Json)
            {
                context.Console.WriteJson(taken);
                return ExitCodes.Ok;
            }
            context.Console.Summary($"Before migration {taken.MigrationId}",
            [
                ("taken", taken.Kind.ToString().ToLowerInvariant()),
                ("backup", taken.Backup.Id),
                ("recovers to", taken.RecoverTo.ToString("u", System.Globalization.CultureInfo.InvariantCulture)),
                ("recover with", $"backup-core pitr --before-migration {taken.MigrationId}"),
            ]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Full(CliOptions options)
    {
        var includeFiles = new Option<string[]>("--include-files") { Description = "Also back up these directories, as a file backup linked to this one.", HelpName = "DIR", AllowMultipleArgumentsPerToken = true };
        var comment = Comment();
        var wait = WaitIfBusy();
        var command = new Command("full", """
            Full backup of the database at DATABASE_URL (pg_dump on one snapshot), compressed and encrypted into the store.
            Example: DATABASE_URL=postgresql://app@db/app backup-core backup full --store s3://acme-backups/prod --key-file /run/secrets/backup-key --comment "before migration"
            """)
        { includeFiles, comment, wait };
        command.SetAction(options, async context =>
        {
            var directories = context.Get(includeFiles) ?? [];
            var request = new FullBackupOptions
            {
                Comment = context.Get(comment),
                WaitIfBusy = context.Get(wait),
                IncludeFiles = directories.Length == 0 ? null : new FileBackupOptions { Directories = directories.Select(Path.GetFullPath).ToArray() },
            };
            var manifest = await ProgressDisplay.RunAsync(context.Console, null, progress => context.Backups.CreateFullBackupAsync(request, progress, context.CancellationToken));
            return ManifestOutput.Written(context.Console, manifest);
        });
        return command;
    }

    private static Command Incremental(CliOptions options)
    {
        var comment = Comment();
        var wait = WaitIfBusy();
        var command = new Command("incremental", """
            Incremental backup: with change capture, every transaction committed since the last backup of the chain; otherwise the rows changed since then.
            Example: backup-core backup incremental --store s3://acme-backups/prod --key-file /run/secrets/backup-key
            """)
        { comment, wait };
        command.SetAction(options, async context =>
        {
            var request = new IncrementalBackupOptions { Comment = context.Get(comment), WaitIfBusy = context.Get(wait) };
            var manifest = await ProgressDisplay.RunAsync(context.Console, null, progress => context.Backups.CreateIncrementalBackupAsync(request, progress, context.CancellationToken));
            return ManifestOutput.Written(context.Console, manifest);
        });
        return command;
    }

    private static Command Files(CliOptions options)
    {
        var directories = new Argument<string[]>("DIR") { Description = "Directories to back up; each becomes a top-level folder of the archive.", Arity = ArgumentArity.OneOrMore };
        var exclude = new Option<string[]>("--exclude") { Description = "Globs to leave out, as in .gitignore (*.tmp, node_modules/**); repeatable.", HelpName = "PATTERN", AllowMultipleArgumentsPerToken = true };
        var include = new Option<string[]>("--include") { Description = "Only files matching these globs; repeatable.", HelpName = "PATTERN", AllowMultipleArgumentsPerToken = true };
        var name = new Option<string>("--name") { Description = "A name for this file backup.", DefaultValueFactory = _ => "files" };
        var comment = Comment();
        var command = new Command("files", """
            Back up directories as a tar archive (modes, mtimes, symbolic links), compressed and encrypted into the store.
            Example: backup-core backup files /srv/app/uploads /srv/app/config --exclude '*.tmp' --exclude 'cache/**' --store file:///var/backups
            """)
        { directories, exclude, include, name, comment };
        command.SetAction(options, async context =>
        {
            var request = new FileBackupOptions
            {
                Directories = context.Get(directories).Select(Path.GetFullPath).ToArray(),
                ExcludePatterns = context.Get(exclude) ?? [],
                IncludePatterns = context.Get(include) ?? [],
                Comment = context.Get(comment),
            };
            var manifest = await ProgressDisplay.RunAsync(context.Console, null, progress => context.Backups.CreateFileBackupAsync(context.Get(name), request, progress, context.CancellationToken));
            return ManifestOutput.Written(context.Console, manifest);
        });
        return command;
    }

    private static Option<string?> Comment() => new("--comment") { Description = "A comment kept in the backup's manifest.", HelpName = "TEXT" };

    private static Option<bool> WaitIfBusy() => new("--wait-if-busy") { Description = "Wait for a backup of the same database that is running, instead of exiting with 5 (busy)." };
}
