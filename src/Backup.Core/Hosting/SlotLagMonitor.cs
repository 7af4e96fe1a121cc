using Backup.Core.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backup.Core.Hosting;

/// <summary>
/// Watches the change-capture slots while the host runs: checks them against
/// <see cref="PostgresOptions.MaxSlotLagMegabytes"/> every <see cref="PostgresOptions.SlotLagCheckInterval"/>,
/// and sends a heartbeat every <see cref="PostgresOptions.HeartbeatInterval"/> so that an idle
/// database's slot does not hold the cluster's WAL. Idle unless a database and change capture are
/// configured. A failed round is logged and retried at the next interval: the monitor must outlive
/// a database that is down for a while.
/// </summary>
internal sealed class SlotLagMonitor(IOptions<PostgresOptions> options, IServiceProvider services, TimeProvider time, ILogger<SlotLagMonitor> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Decided from the options, not by resolving the engine: a host without a database (file
        // backups only) has no engine, and asking for one would fault this service and stop the host.
        var postgres = options.Value;
        if (postgres is not { ConnectionString: not null, ChangeCapture: true })
        {
            return Task.CompletedTask;
        }
        var rounds = new List<Task>();
        if (postgres.MaxSlotLagMegabytes is not null)
        {
            rounds.Add(RepeatAsync(postgres.SlotLagCheckInterval, b => b.EnforceSlotLagLimitAsync(stoppingToken), Log.SlotLagCheckFailed, stoppingToken));
        }
        if (postgres.HeartbeatInterval is { } heartbeat && heartbeat > TimeSpan.Zero)
        {
            rounds.Add(RepeatAsync(heartbeat, b => b.SendSlotHeartbeatsAsync(stoppingToken), Log.SlotHeartbeatFailed, stoppingToken));
        }
        return Task.WhenAll(rounds);
    }

    private async Task RepeatAsync(TimeSpan interval, Func<BackupService, Task> round, Action<ILogger, string> failed, CancellationToken stoppingToken)
    {
        // Resolved only when there is something to do.
        var backups = services.GetRequiredService<BackupService>();
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await round(backups).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
