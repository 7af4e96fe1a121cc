using System.Text;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard;

/// <summary>The page around every page: head, navigation, the assets, and the headers that keep it from being framed or cached.</summary>
internal static class DashboardLayout
{
    private static readonly (string Path, string Name)[] Navigation =
    [
        ("", "Overview"), ("/backups", "Backups"), ("/schedules", "Schedules"), ("/retention", "Retention"), ("/drills", "Drills"), ("/tables", "Restore tables"),
    ];

    public static IResult Page(DashboardContext context, string current, string heading, RawHtml body, int status = StatusCodes.Status200OK)
    {
        var nav = Html.Join(Navigation.Select(n => Html.Of($"""<a href="{(n.Path == "" ? context.Root + "/" : context.Url(n.Path))}" class="{(n.Path == current ? "current" : "")}">{n.Name}</a>""")));
        var page = new Html().Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{heading} · {context.Options.Title}</title>
            <link rel="stylesheet" href="{context.Url("/assets/dashboard.css")}">
            <script src="{context.Url("/assets/dashboard.js")}" defer></script>
            </head><body>
            <header><h1>{context.Options.Title}</h1><nav>{nav}</nav></header>
            <main><h2 data-test="page-title">{heading}</h2>{body}</main>
            </body></html>
            """).ToHtml();
        return new HtmlResult(page.Value, status);
    }

    /// <summary>A piece of a page (the live running operations), without the layout.</summary>
    public static IResult Fragment(RawHtml body) => new HtmlResult(body.Value, StatusCodes.Status200OK);

    private sealed class HtmlResult(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            // Pages hold backup details: not kept by caches; no inline script or style is ever needed.
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            return httpContext.Response.WriteAsync(html, Encoding.UTF8, httpContext.RequestAborted);
        }
    }
}
