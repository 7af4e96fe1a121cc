using Backup.Core.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Hosting;

/// <summary>
/// Checks the change-capture slots against <see cref="PostgresOptions.MaxSlotLagMegabytes"/> every
/// <see cref="PostgresOptions.SlotLagCheckInterval"/> while the host runs. Idle unless change
/// capture is on and a limit is set. A failed check is logged and retried at the next interval:
/// the monitor must outlive a database that is down for a while.
/// </summary>
internal sealed class SlotLagMonitor(IServiceProvider services, TimeProvider time, ILogger<SlotLagMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var engine = services.GetService<PostgresBackupEngine>();
        if (engine is not { ChangeCaptureEnabled: true, MaxSlotLagBytes: not null })
        {
            return;
        }
        var backups = services.GetRequiredService<BackupService>();
        using var timer = new PeriodicTimer(engine.SlotLagCheckInterval, time);
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
