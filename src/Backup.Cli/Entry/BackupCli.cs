using System.CommandLine;
using System.CommandLine.Invocation;
using Backup.Cli.Commands;

namespace Backup.Cli.Entry;

/// <summary>The <c>backup-core</c> command line: its parser (for tests and tools that check command lines) and its entry point.</summary>
public static class BackupCli
{
    /// <summary>
    /// How long a cancelled command (Ctrl+C, SIGTERM) may take to clean up — drop the database a
    /// restore created, record a backup as cancelled — before the process is ended anyway.
    /// </summary>
    public static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The same for <c>run</c>: a running scheduled backup is given the scheduler's ShutdownTimeout
    /// (10 minutes by default) to finish before it is cancelled, so the process waits a little longer.
    /// </summary>
    public static readonly TimeSpan RunShutdownTimeout = TimeSpan.FromMinutes(11);

    /// <summary>The root command with every subcommand; <c>Parse(args).Errors</c> is empty for a valid command line.</summary>
    public static RootCommand CreateRootCommand()
    {
        var options = new CliOptions();
        var root = new RootCommand($"""
            backup-core — back up, verify and restore PostgreSQL databases and files with Backup.Core.

            Configuration: DATABASE_URL, BACKUP_DIR, BACKUP_RETENTION_DAYS, MAX_BACKUP_SIZE_MB, BACKUP_SCHEDULES,
            BACKUP_ENCRYPTION_KEY, BACKUP_ENCRYPTION_ENABLED, BACKUP_ENCRYPTION_REQUIRED (as the library reads them),
            then --config FILE (its Backup section), then --key-file and --store. The key is never an argument.

            {ExitCodes.HelpText}
            """);
        options.AddTo(root);
        foreach (var command in new[]
        {
            BackupCommands.Create(options),
            CatalogCommands.List(options),
            CatalogCommands.Show(options),
            VerifyCommand.Create(options),
            RestoreCommands.Restore(options),
            RestoreCommands.PointInTime(options),
            RestoreTablesCommand.Create(options),
            DownloadCommand.Create(options),
            MaintenanceCommands.Delete(options),
            MaintenanceCommands.Cleanup(options),
            MaintenanceCommands.Status(options),
            ScheduleCommands.Create(options),
            RunCommand.Create(options),
            CaptureCommand.Create(options),
        })
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Parses and runs <paramref name="args"/> writing to the given writers (for tests); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parse = CreateRootCommand().Parse(args);
        var isRun = parse.CommandResult.Command.Name == "run" && parse.CommandResult.Parent is System.CommandLine.Parsing.CommandResult { Command: RootCommand };
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = isRun ? RunShutdownTimeout : CleanupTimeout };
        if (parse.Action is ParseErrorAction)
        {
            // System.CommandLine answers 1 to a bad command line; ours is 2, and the fix is --help.
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }
            var commandPath = string.Join(' ', parse.CommandResult.Command is RootCommand ? ["backup-core"] : new[] { "backup-core", parse.CommandResult.Command.Name });
            await error.WriteLineAsync($"Run '{commandPath} --help' for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
