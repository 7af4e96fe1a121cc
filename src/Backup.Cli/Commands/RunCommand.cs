using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backup.Cli.Commands;

/// <summary><c>run</c>: a long-running host with the library's hosted services (scheduler, slot lag monitor), for a container that stays up.</summary>
internal static class RunCommand
{
    public static Command Create(CliOptions options)
    {
        var command = new Command("run", """
            Stay up and run the schedules (BACKUP_SCHEDULES or Backup:Schedules) and the change-capture slot monitor until SIGTERM or Ctrl+C.
            A running backup is given Backup:Scheduler:ShutdownTimeout (10 min) to finish, then cancelled (it leaves nothing behind);
            the process ends at the latest 11 minutes after the signal. Give a container a grace period to match. Exit code 0 on a clean stop;
            1 at once when the configuration cannot run (no DATABASE_URL: a host for file schedules only sets "Backup": {"RequireDatabase": false} in --config).
            Example: BACKUP_SCHEDULES='[{"id":"nightly","name":"Nightly","type":"Full","cronExpression":"0 2 * * *"}]' backup-core run --store s3://acme-backups/prod --key-file /run/secrets/backup-key
            """);
        command.SetAction(options, async context =>
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            CliSession.Compose(builder.Services, context.Parse, options, hostedServices: true, Microsoft.Extensions.Logging.LogLevel.Information);
            // System.CommandLine owns SIGINT and SIGTERM and cancels the token; the host stops on it.
            builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
            using var host = builder.Build();
            await host.StartAsync(context.CancellationToken);
            // The host stops itself when the backup system cannot run (no database, a bad setting): the
            // log has said why; this command then ends too, with 1, instead of staying up doing nothing.
            var stoppedItself = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            if (!stoppedItself.IsCancellationRequested)
            {
                context.Console.Line($"backup-core is running: {host.Services.GetRequiredService<Backup.Core.Abstractions.IScheduler>().GetSchedulerStats()}");
            }
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stoppedItself);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException)
            {
                // The signal to stop (a normal end for a service), or the host stopping itself.
            }
            await host.StopAsync(CancellationToken.None);
            return context.CancellationToken.IsCancellationRequested ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}
