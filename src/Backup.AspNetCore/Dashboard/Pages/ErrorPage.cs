using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>A failed page or action, with the same status and the same shown-or-hidden message as the REST API's problem details.</summary>
internal static class ErrorPage
{
    public static IResult Render(DashboardContext context, int status, string title, string? detail) =>
        DashboardLayout.Page(context, "", title, Html.Of($"""<section class="error" data-test="error"><p>{detail}</p><a href="{context.Url("")}/">Back to the overview</a></section>"""), status);
}
