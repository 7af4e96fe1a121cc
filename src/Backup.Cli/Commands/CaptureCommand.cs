using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Continuous;
using Backup.Core.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Backup.Cli.Commands;

/// <summary>
/// <c>capture</c>: continuous change capture in the foreground, without a host of one's own — the
/// library's hosted capture service alone in a host this command starts, until SIGINT or SIGTERM.
/// </summary>
internal static class CaptureCommand
{
    // JSON lines: one compact object a line, unlike the one indented document of the other commands.
    private static readonly JsonSerializerOptions JsonLines = new(CliJson.Options) { WriteIndented = false };

    public static Command Create(CliOptions options)
    {
        var every = new Option<double>("--every")
        {
            Description = "Seconds between two status lines. Default 5.",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 5,
        };
        var command = new Command("capture", """
            Run continuous change capture in the foreground until SIGTERM or Ctrl+C: keep the newest chain's replication slot open and store
            a change segment every Backup:Postgres:ContinuousCapture:FlushInterval (1 s), so that the recovery point is seconds old.
            Prints the recovery point's lag, the segments stored, the spooled bytes and the faults every --every seconds (with --json,
            one JSON object a line). Needs change capture on (Backup:Postgres:ChangeCapture) and a full backup taken with it (exit code 1
            otherwise). Killed (kill -9, a crash), it loses nothing: started again, it resumes from what the server was told is stored.
            Run one capture per database, and no incremental schedule beside it. Exit code 0 on a clean stop.
            Example: backup-core capture --config appsettings.json --store s3://acme-backups/prod --key-file /run/secrets/backup-key
            """)
        { every };
        command.SetAction(options, async context =>
        {
            var interval = TimeSpan.FromSeconds(context.Get(every));
            if (interval <= TimeSpan.Zero)
            {
                throw new CliUsageException("--every must be a positive number of seconds.");
            }
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            CliSession.Compose(builder.Services, context.Parse, options, hostedServices: true, Microsoft.Extensions.Logging.LogLevel.Information,
                b => b.WithoutHostedScheduler().WithoutHostedSlotLagMonitor().UseContinuousCapture());
            builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
            using var host = builder.Build();
            RequireChangeCapture(host.Services.GetRequiredService<IOptions<PostgresOptions>>().Value);
            var backups = host.Services.GetRequiredService<BackupService>();
            var time = host.Services.GetRequiredService<TimeProvider>();
            // When the capture ends by itself (a failure), so does the command. The library's service is
            // internal: its type name is how a host that runs only it recognises it.
            var capture = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single(s => s.GetType().Name == "ContinuousCaptureService");
            await host.StartAsync(context.CancellationToken);
            int code;
            try
            {
                code = await ReportUntilStoppedAsync(context, backups, capture, interval, time);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
            Report(context.Console, backups.GetContinuousCaptureStatus(), time, final: true);
            return code;
        });
        return command;
    }

    private static void RequireChangeCapture(PostgresOptions postgres)
    {
        if (postgres.ConnectionString is null)
        {
            throw new CliUsageException("No database is configured: set DATABASE_URL (or Backup:Postgres:ConnectionString in --config).");
        }
        if (!postgres.ChangeCapture)
        {
            throw new CliUsageException("Change capture is off, so there is no slot to capture from: set Backup:Postgres:ChangeCapture to true (in --config FILE), take a full backup (backup-core backup full), then run capture.");
        }
    }

    private static async Task<int> ReportUntilStoppedAsync(CommandContext context, BackupService backups, BackgroundService capture, TimeSpan interval, TimeProvider time)
    {
        var started = false;
        var nextReport = time.GetUtcNow();
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var status = backups.GetContinuousCaptureStatus();
            if (capture.ExecuteTask is { IsCompleted: true } ended)
            {
                // Only a failure ends it before the signal; its exception names it (see the log above).
                await ended;
                throw new InvalidOperationException("Continuous capture ended by itself; see the log above.");
            }
            if (!started && status.Faults.FirstOrDefault(f => f.Fault == CaptureFault.NeedsFullBackup) is { } missing)
            {
                // Before anything was recorded there is nothing to wait for: the operator has to take a full backup first.
                throw new BackupException($"Nothing to capture: {missing.Message.TrimEnd('.')}. Take a full backup with change capture on (backup-core backup full), then run capture again.");
            }
            started |= status.ChainId is not null;
            if (time.GetUtcNow() >= nextReport && started)
            {
                Report(context.Console, status, time, final: false);
                nextReport = time.GetUtcNow() + interval;
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                // SIGINT or SIGTERM: a normal end. What is not stored yet is still in the slot.
            }
        }
        return ExitCodes.Ok;
    }

    private static void Report(CliConsole console, ContinuousCaptureStatus status, TimeProvider time, bool final)
    {
        var lag = status.RecoveryPointLag?.TotalSeconds;
        if (console.Json)
        {
            console.Output.WriteLine(JsonSerializer.Serialize(new
            {
                At = time.GetUtcNow(),
                Stopped = final,
                status.ChainId,
                status.RecoveryPoint,
                RecoveryPointLagSeconds = lag,
                status.SegmentsStored,
                status.SpooledBytes,
                Faults = status.Faults.Select(f => new { f.Fault, f.Message, f.Since }),
            }, JsonLines));
            console.Output.Flush();
            return;
        }
        var point = status.RecoveryPoint is { } p
            ? $"recovery point {p.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)}Z (lag {lag!.Value.ToString("0.0", CultureInfo.InvariantCulture)} s)"
            : "no segment stored yet";
        var faults = status.Faults.Count == 0 ? "none" : string.Join("; ", status.Faults.Select(f => $"{f.Fault}: {f.Message}"));
        console.Output.WriteLine($"{(final ? "capture stopped: " : "")}{point}, {status.SegmentsStored} segment(s) stored, {ManifestOutput.Size(status.SpooledBytes)} spooled, faults: {faults}");
        console.Output.Flush();
    }
}
