using Backup.Core.Continuous;
using Backup.Core.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backup.Core.Hosting;

/// <summary>
/// Runs continuous capture (<see cref="ContinuousCaptureOptions"/>) while the host runs. Idle unless
/// it is enabled; it needs a database with change capture on, and says so once when it is missing.
/// </summary>
internal sealed class ContinuousCaptureService(
    IOptions<ContinuousCaptureOptions> options, IOptions<PostgresOptions> postgres, IServiceProvider services, ILogger<ContinuousCaptureService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }
        if (postgres.Value is not { ConnectionString: not null, ChangeCapture: true })
        {
            Log.CaptureStopped(logger, "continuous capture is enabled, but no database is configured or change capture is off", "Configure the database and set Backup:Postgres:ChangeCapture to true.");
            return Task.CompletedTask;
        }
        return services.GetRequiredService<ContinuousCapture>().RunAsync(stoppingToken);
    }
}
