using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>The page a destructive action (delete, restore) shows first: what it will do, and the one form that does it.</summary>
internal static class ConfirmPage
{
    public static IResult Render(DashboardContext context, string heading, string what, string action, RawHtml fields = default)
    {
        var body = Html.Of($"""
            <section class="error"><p data-test="confirm-what">{what}</p>
            {context.PostForm("confirm", action, "Yes, " + heading.ToLowerInvariant(), Html.Of($"""{fields}<input type="hidden" name="confirmed" value="true">"""), "danger")}
            <a href="{context.Url("/backups")}">Cancel</a></section>
            """);
        return DashboardLayout.Page(context, "/backups", heading, body);
    }
}
