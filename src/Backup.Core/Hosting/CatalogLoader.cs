using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Hosting;

/// <summary>
/// Lists the catalog once at start, in the background, so that the gauges
/// (<see cref="BackupMetrics"/>) show the store from the first scrape after it: without it they had
/// nothing to show after each restart until something listed the store, and an age-of-last-success
/// alert fired on every deploy. The start of the host does not wait for it; an unreachable store is
/// retried, with growing pauses, until it answers or the host stops.
/// </summary>
internal sealed class CatalogLoader(IServiceProvider services, TimeProvider time, ILogger<CatalogLoader> logger) : BackgroundService
{
    /// <summary>The longest pause between two attempts.</summary>
    internal static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BackupMetrics metrics;
        try
        {
            metrics = services.GetRequiredService<BackupMetrics>();
        }
        catch (BackupConfigurationException ex)
        {
            // The options validation at start says this loudly too; a background load must not stop the host over it.
            Log.CatalogLoadNotConfigured(logger, ex.Message);
            return;
        }
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; !metrics.Loaded && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var all = await metrics.Catalog.ListAllAsync(null, stoppingToken).ConfigureAwait(false);
                Log.CatalogLoaded(logger, all.Count);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.CatalogLoadFailed(logger, attempt, delay, ex.Message);
            }
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
