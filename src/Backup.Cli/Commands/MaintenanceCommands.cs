using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Cli.Commands;

/// <summary><c>delete</c>, <c>cleanup</c> and <c>status</c>: look after the store.</summary>
internal static class MaintenanceCommands
{
    public static Command Delete(CliOptions options)
    {
        var id = CatalogCommands.BackupIdArgument();
        var cascade = new Option<bool>("--cascade") { Description = "Also delete the backups that depend on it (the incrementals and segments of a full backup's chain), newest first." };
        var command = new Command("delete", """
            Delete a backup: its data objects, then its manifest (a full backup's change-capture slot is dropped too).
            A backup others depend on is refused (exit code 6) and they are named; --cascade deletes them too.
            Example: backup-core delete 20261130T021500123Z-1a2b3c4d --store s3://acme-backups/prod
            """)
        { id, cascade };
        command.SetAction(options, async context =>
        {
            var deleted = await context.Backups.DeleteBackupAsync(context.Get(id), context.Get(cascade), context.CancellationToken);
            if (context.Console.Json)
            {
                context.Console.WriteJson(deleted);
            }
            else
            {
                context.Console.Line($"deleted {deleted.Id} ({deleted.Type.ToString().ToLowerInvariant()}, {ManifestOutput.Size(deleted.StoredBytes)} stored)");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Cleanup(CliOptions options)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be kept (and why) and deleted; delete nothing." };
        var command = new Command("cleanup", """
            Apply retention (BACKUP_RETENTION_DAYS and the Backup:Retention keep rules, chain-aware) and remove data objects no manifest claims.
            Example: backup-core cleanup --dry-run
            """)
        { dryRun };
        command.SetAction(options, async context =>
        {
            var plan = await context.Backups.CleanupOldBackupsAsync(context.Get(dryRun), cancellationToken: context.CancellationToken);
            if (context.Console.Json)
            {
                context.Console.WriteJson(new
                {
                    plan.DryRun,
                    Kept = plan.Kept.Select(d => new { d.Backup.Id, d.Reason }),
                    Deleted = plan.Deleted.Select(d => new { d.Backup.Id, d.Reason }),
                    plan.OrphanedObjects,
                });
                return ExitCodes.Ok;
            }
            var verb = plan.DryRun ? "would delete" : "deleted";
            context.Console.Table(["id", "decision", "reason"],
                plan.Kept.Select(d => (IReadOnlyList<string>)[d.Backup.Id, "keep", d.Reason])
                    .Concat(plan.Deleted.Select(d => (IReadOnlyList<string>)[d.Backup.Id, verb, d.Reason]))
                    .Concat(plan.OrphanedObjects.Select(o => (IReadOnlyList<string>)[o, verb, "no manifest claims it"])));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Status(CliOptions options)
    {
        var command = new Command("status", """
            The store's state: latest backup, counts, running backups, the latest recoverable moment, change-capture slots and the WAL they hold, failed offsite copies.
            Example: backup-core status --json
            """);
        command.SetAction(options, async context =>
        {
            var status = await context.Backups.GetBackupStatusAsync(context.CancellationToken);
            if (context.Console.Json)
            {
                context.Console.WriteJson(status);
                return ExitCodes.Ok;
            }
            var drills = await context.Backups.GetDrillAnalyticsAsync(cancellationToken: context.CancellationToken);
            context.Console.Summary("Backup status",
            [
                ("latest", status.LatestBackup is { } latest ? $"{latest.Id} ({latest.Type.ToString().ToLowerInvariant()}, {latest.Status.ToString().ToLowerInvariant()})" : "none"),
                ("backups", $"{status.TotalBackups} ({status.FailedBackups} failed)"),
                ("running", status.RunningBackups.Count == 0 ? "none" : string.Join(", ", status.RunningBackups)),
                ("recoverable to", status.RecoverableUntil is { } until ? string.Create(CultureInfo.InvariantCulture, $"{until:u} ({(context.Session.Services.GetRequiredService<TimeProvider>().GetUtcNow() - until).TotalSeconds:0} s ago)") : "no chain"),
                .. status.Slots.Select(s => ("slot", $"{s.Name}: {ManifestOutput.Size(s.RetainedWalBytes)} of WAL held{(s.Active ? ", active" : "")}")),
                .. (status.DdlCapture is { } ddl ? [("schema changes", ddl == "on" ? "captured in the chain" : "not captured (" + ddl["off: ".Length..] + "): a migration ends the chain")] : Array.Empty<(string, string)>()),
                .. status.FailedCopies.Select(c => ("failed copy", c)),
                ("restore drills", DrillSummary(drills)),
            ]);
            return ExitCodes.Ok;
        });
        return command;
    }

    // The recovery time per GB is what a restore of this store can be expected to take; the median, because one slow drill is not the norm.
    private static string DrillSummary(Backup.Core.Drills.DrillAnalytics drills) =>
        drills.TotalDrills == 0
            ? "none"
            : $"{drills.SuccessfulDrills} of the last {drills.TotalDrills} succeeded"
              + (drills.Latest is { } latest
                  ? string.Create(CultureInfo.InvariantCulture, $"; recovery {drills.MedianSecondsPerGigabyte:0.0} s/GB median, {latest.SecondsPerGigabyte:0.0} s/GB ({latest.MegabytesPerSecond:0.0} MB/s) latest")
                  : "");
}
