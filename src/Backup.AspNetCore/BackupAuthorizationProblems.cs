using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore;

/// <summary>
/// 401 and 403 of the API's own routes as problem details. The authorization middleware answers
/// them before any endpoint code runs, with the scheme's empty challenge; this handler lets the
/// scheme answer first (status, <c>WWW-Authenticate</c>, a cookie scheme's redirect) and then adds
/// the body when nothing was written. Other routes of the host are left as they are.
/// </summary>
internal sealed class BackupAuthorizationProblems(IAuthorizationMiddlewareResultHandler inner) : IAuthorizationMiddlewareResultHandler
{
    /// <summary>Marks the API's endpoints.</summary>
    public sealed class Marker;

    /// <summary>Wraps the framework's default handler; a handler the host registered itself is left alone.</summary>
    public static void Register(IServiceCollection services)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (existing is not null && existing.ImplementationType != typeof(AuthorizationMiddlewareResultHandler))
        {
            return;
        }
        if (existing is not null)
        {
            services.Remove(existing);
        }
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(new BackupAuthorizationProblems(new AuthorizationMiddlewareResultHandler()));
    }

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await inner.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        var response = context.Response;
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && context.GetEndpoint()?.Metadata.GetMetadata<Marker>() is not null
            && !response.HasStarted && response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
        {
            var problem = response.StatusCode == StatusCodes.Status401Unauthorized
                ? new BackupRequestException(StatusCodes.Status401Unauthorized, "Unauthorized", "Sign in or send credentials: this route needs an authenticated caller.")
                : BackupRequestException.Forbidden("The caller lacks the permission this route needs.");
            await BackupProblems.Result(problem).ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
