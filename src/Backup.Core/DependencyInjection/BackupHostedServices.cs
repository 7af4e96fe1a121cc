using Backup.Core.Hosting;
using Backup.Core.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backup.Core.DependencyInjection;

/// <summary>
/// The hosted services <c>AddBackupSystem</c> registers (the scheduler's run loop, the slot lag
/// monitor and continuous capture, idle unless enabled; the catalog loader, once at start), and how to take each one out again: a host that only manages schedules, or a one-shot
/// tool, leaves them out (<see cref="BackupSystemBuilder.WithoutHostedScheduler"/>,
/// <see cref="BackupSystemBuilder.WithoutHostedSlotLagMonitor"/>).
/// </summary>
internal static class BackupHostedServices
{
    public static void Add(IServiceCollection services)
    {
        // First: it checks the configuration and says what the host runs before anything else starts.
        services.AddHostedService<BackupStartup>();
        // The scheduler is one instance serving both IScheduler and the host, so its hosted-service
        // registration is a factory; the named method makes that registration recognisable for removal.
        services.AddSingleton<IHostedService>(SchedulerAsHostedService);
        services.AddHostedService<SlotLagMonitor>();
        services.AddHostedService<ContinuousCaptureService>();
        // Lists the catalog once at start, so that the gauges show the store from the first scrape.
        services.AddHostedService<CatalogLoader>();
    }

    public static void RemoveScheduler(IServiceCollection services) =>
        Remove(services, d => d.ImplementationFactory?.Method == ((Func<IServiceProvider, IHostedService>)SchedulerAsHostedService).Method);

    public static void RemoveContinuousCapture(IServiceCollection services) =>
        Remove(services, d => d.ImplementationType == typeof(ContinuousCaptureService));

    public static void RemoveCatalogLoader(IServiceCollection services) =>
        Remove(services, d => d.ImplementationType == typeof(CatalogLoader));

    public static void RemoveSlotLagMonitor(IServiceCollection services) =>
        Remove(services, d => d.ImplementationType == typeof(SlotLagMonitor));

    private static BackupScheduler SchedulerAsHostedService(IServiceProvider services) => services.GetRequiredService<BackupScheduler>();

    private static void Remove(IServiceCollection services, Func<ServiceDescriptor, bool> matches)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService && matches(d)).ToList())
        {
            services.Remove(descriptor);
        }
    }
}
