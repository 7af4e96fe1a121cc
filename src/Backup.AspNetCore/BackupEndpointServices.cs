using Backup.Core;
using Backup.Core.Abstractions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backup.AspNetCore;

/// <summary>
/// What <c>MapBackupEndpoints</c> needs from the container, checked when the routes are mapped:
/// a handler parameter whose service is missing would be read as a JSON body, and the route table
/// would then fail to build, answering every request of the whole app with an empty 500.
/// </summary>
internal static class BackupEndpointServices
{
    public static BackupOperations Resolve(IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var registered = services.GetService<IServiceProviderIsService>();
        if (registered is not null && !(registered.IsService(typeof(BackupService)) && registered.IsService(typeof(IScheduler))))
        {
            throw new InvalidOperationException(
                "MapBackupEndpoints needs the backup system: call builder.Services.AddBackupSystem() before builder.Build().");
        }
        // Without AddBackupEndpoints the API keeps its own operations, with the default options;
        // AddBackupEndpoints (or AddBackupDashboard) shares one between the API and the dashboard.
        if (services.GetService<BackupOperations>() is { } shared)
        {
            return shared;
        }
        try
        {
            var own = ActivatorUtilities.CreateInstance<BackupOperations>(services);
            if (services.GetService<ILoggerFactory>() is { } loggers)
            {
                Log.OwnOperations(loggers.CreateLogger<BackupOperations>());
            }
            return own;
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                "MapBackupEndpoints could not create its operations: call builder.Services.AddBackupEndpoints() before builder.Build().", ex);
        }
    }

    /// <summary>Routes that require a policy fail every request without the authorization services: say so at start instead.</summary>
    public static void CheckAuthorization(IEndpointRouteBuilder app, bool allowAnonymous)
    {
        if (!allowAnonymous && app.ServiceProvider.GetService<IAuthorizationPolicyProvider>() is null)
        {
            throw new InvalidOperationException(
                "MapBackupEndpoints requires authorization by default: call builder.Services.AddAuthentication(...) and builder.Services.AddAuthorization() "
                + "(and app.UseAuthentication(); app.UseAuthorization()), or set AllowAnonymous = true in MapBackupEndpoints(o => ...) deliberately.");
        }
    }
}
