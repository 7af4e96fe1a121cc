using System.CommandLine;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Cli.Commands;

/// <summary><c>list</c> and <c>show</c>: read the catalog (the manifests in the store).</summary>
internal static class CatalogCommands
{
    public static Command List(CliOptions options)
    {
        var type = new Option<BackupType?>("--type") { Description = "Only backups of this type: full, incremental, files." };
        var status = new Option<BackupStatus?>("--status") { Description = "Only backups with this status: completed, failed." };
        var limit = new Option<int?>("--limit") { Description = "At most this many, newest first.", HelpName = "N" };
        var command = new Command("list", """
            List the backups in the store, newest first.
            Example: backup-core list --store s3://acme-backups/prod --type full --json
            """)
        { type, status, limit };
        command.SetAction(options, async context =>
        {
            var query = new BackupQuery { Type = context.Get(type), Status = context.Get(status), Limit = context.Get(limit) };
            var backups = await context.Backups.ListBackupsAsync(query, context.CancellationToken);
            if (context.Console.Json)
            {
                context.Console.WriteJson(backups);
                return ExitCodes.Ok;
            }
            context.Console.Table(
                ["id", "type", "status", "database", "started (UTC)", "duration", "raw", "stored", "comment"],
                backups.Select(b => (IReadOnlyList<string>)
                [
                    b.Id, b.Type.ToString().ToLowerInvariant(), b.Status.ToString().ToLowerInvariant(), b.Database ?? "",
                    b.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    ManifestOutput.Duration(b.Duration), ManifestOutput.Size(b.Content is null ? null : b.RawBytes), ManifestOutput.Size(b.Content is null ? null : b.StoredBytes), b.Comment ?? "",
                ]));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Show(CliOptions options)
    {
        var id = BackupIdArgument();
        var command = new Command("show", """
            Show one backup's manifest: type, status, times, sizes, hashes, chain, tables.
            Example: backup-core show 20261130T021500123Z-1a2b3c4d --json
            """)
        { id };
        command.SetAction(options, async context =>
        {
            ManifestOutput.Show(context.Console, await context.Backups.GetBackupAsync(context.Get(id), context.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A backup id argument; its form is checked by the library (anything but an id is refused, exit 2).</summary>
    public static Argument<string> BackupIdArgument() => new("ID") { Description = "A backup id, e.g. 20261130T021500123Z-1a2b3c4d (see list)." };
}
