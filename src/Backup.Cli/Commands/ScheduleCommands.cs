using System.CommandLine;
using Backup.Core.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Cli.Commands;

/// <summary><c>schedules list|run ID</c>: the schedules of BACKUP_SCHEDULES / Backup:Schedules and those stored at run time.</summary>
internal static class ScheduleCommands
{
    public static Command Create(CliOptions options)
    {
        var schedules = new Command("schedules", "The backup schedules (BACKUP_SCHEDULES, the Backup:Schedules section, and those created at run time, kept in the store).");
        schedules.Subcommands.Add(List(options));
        schedules.Subcommands.Add(Run(options));
        return schedules;
    }

    private static Command List(CliOptions options)
    {
        var command = new Command("list", """
            List the schedules with their cron expression, time zone, state, last run and next run.
            Example: BACKUP_SCHEDULES='[{"id":"nightly","name":"Nightly","type":"Full","cronExpression":"0 2 * * *"}]' backup-core schedules list
            """);
        command.SetAction(options, async context =>
        {
            var scheduler = context.Session.Services.GetRequiredService<IScheduler>();
            var schedules = new List<BackupSchedule>();
            await foreach (var schedule in scheduler.ListSchedulesAsync(context.CancellationToken))
            {
                schedules.Add(schedule);
            }
            var status = scheduler.GetDetailedStatus();
            if (context.Console.Json)
            {
                context.Console.WriteJson(new { schedules, status });
                return ExitCodes.Ok;
            }
            context.Console.Table(["id", "name", "type", "cron", "time zone", "enabled"],
                schedules.Select(s => (IReadOnlyList<string>)[s.Id, s.Name, s.Type.ToString().ToLowerInvariant(), s.CronExpression, s.TimeZone ?? "UTC", s.Enabled ? "yes" : "no"]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Run(CliOptions options)
    {
        var id = new Argument<string>("ID") { Description = "The schedule to run now." };
        var command = new Command("run", """
            Run a schedule now, once (with its options and retention), and print the backup it made.
            Example: backup-core schedules run nightly --store s3://acme-backups/prod --key-file /run/secrets/backup-key
            """)
        { id };
        command.SetAction(options, async context =>
        {
            var scheduler = context.Session.Services.GetRequiredService<IScheduler>();
            var backupId = await scheduler.ForceRunScheduleAsync(context.Get(id), context.CancellationToken);
            return ManifestOutput.Written(context.Console, await context.Backups.GetBackupAsync(backupId, context.CancellationToken));
        });
        return command;
    }
}
