using Backup.Core.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backup.Core.Hosting;

/// <summary>
/// Checks the change-capture slots against <see cref="PostgresOptions.MaxSlotLagMegabytes"/> every
/// <see cref="PostgresOptions.SlotLagCheckInterval"/> while the host runs. Idle unless a database,
/// change capture and a limit are configured. A failed check is logged and retried at the next
/// interval: the monitor must outlive a database that is down for a while.
/// </summary>
internal sealed class SlotLagMonitor(IOptions<PostgresOptions> options, IServiceProvider services, TimeProvider time, ILogger<SlotLagMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Decided from the options, not by resolving the engine: a host without a database (file
        // backups only) has no engine, and asking for one would fault this service and stop the host.
        var postgres = options.Value;
        if (postgres is not { ConnectionString: not null, ChangeCapture: true, MaxSlotLagMegabytes: not null })
        {
            return;
        }
        // Resolved only when there is something to watch.
        var backups = services.GetRequiredService<BackupService>();
        using var timer = new PeriodicTimer(postgres.SlotLagCheckInterval, time);
        do
        {
            try
            {
                await backups.EnforceSlotLagLimitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SlotLagCheckFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
