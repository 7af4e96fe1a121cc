using Backup.AspNetCore.Dashboard.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backup.AspNetCore.Dashboard;

/// <summary>A failure as an error page: the REST API's status and message rules (store and database details stay in the log).</summary>
internal static class DashboardErrors
{
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Filter(string prefix, BackupDashboardOptions options) =>
        async (context, next) =>
        {
            var http = context.HttpContext;
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (AntiforgeryValidationException)
            {
                Log.DashboardAntiforgeryRefused(Logger(http), http.Request.Method, http.Request.Path);
                return ErrorPage.Render(new DashboardContext(http, prefix, options), StatusCodes.Status400BadRequest, "Form refused",
                    "The form's security token is missing or expired, or the form did not come from this dashboard. Reload the page and try again.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var (status, details) = BackupProblems.For(ex);
                if (BackupProblems.HidesMessage(ex))
                {
                    Log.DashboardRequestFailed(Logger(http), ex, http.Request.Method, http.Request.Path, status);
                }
                return ErrorPage.Render(new DashboardContext(http, prefix, options), status, details.Title ?? "Error", details.Detail);
            }
        };

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILogger<BackupOperations>>();
}
