using System.CommandLine;
using Backup.Core.Operations;

namespace Backup.Cli.Commands;

/// <summary><c>download ID -o FILE</c>: the decrypted, decompressed content — a pg_restore archive, a tar, or a change segment.</summary>
internal static class DownloadCommand
{
    public static Command Create(CliOptions options)
    {
        var id = CatalogCommands.BackupIdArgument();
        var output = new Option<FileInfo>("--output", "-o") { Description = "The file to write (refused if it exists; '-' for stdout).", HelpName = "FILE", Required = true };
        var command = new Command("download", """
            Write a backup's content, decrypted and decompressed: a full backup as a pg_dump custom archive (pg_restore reads it),
            a file backup as a tar, an incremental as its change segment. Every hash and tag is checked while it is read;
            on a failure the partial file is removed (exit 3).
            Example: backup-core download 20261130T021500123Z-1a2b3c4d -o app.dump && pg_restore -l app.dump
            """)
        { id, output };
        command.SetAction(options, async context =>
        {
            var target = context.Get(output);
            var toStdout = target.Name == "-";
            if (!toStdout && target.Exists)
            {
                throw new CliUsageException($"-o {target.FullName} exists: choose a new file name (download never overwrites).");
            }
            var manifest = await context.Backups.GetBackupAsync(context.Get(id), context.CancellationToken);
            try
            {
                await ProgressDisplay.RunAsync(context.Console, manifest.Content?.RawBytes, async progress =>
                {
                    await using var content = await context.Backups.OpenBackupContentAsync(manifest.Id, context.CancellationToken);
                    await using var file = toStdout ? Console.OpenStandardOutput() : new FileStream(target.FullName, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
                    await CopyAsync(content, file, progress, context.CancellationToken);
                    return 0;
                });
            }
            catch when (!toStdout)
            {
                // Half a dump looks like a dump: never leave one behind.
                target.Refresh();
                if (target.Exists)
                {
                    target.Delete();
                }
                throw;
            }
            if (!toStdout)
            {
                context.Console.Line($"{manifest.Id} -> {target.FullName} ({ManifestOutput.Size(new FileInfo(target.FullName).Length)})");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task CopyAsync(Stream source, Stream destination, IProgress<BackupProgress> progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
            progress.Report(new BackupProgress("downloading", total));
        }
    }
}
