using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Dashboard;

/// <summary>What a page needs from its request: where the dashboard lives, its title, and the form token.</summary>
internal sealed class DashboardContext(HttpContext http, string prefix, BackupDashboardOptions options)
{
    private AntiforgeryTokenSet? _tokens;

    public HttpContext Http { get; } = http;

    /// <summary>The dashboard's root as the browser sees it (path base included), without a trailing slash.</summary>
    public string Root { get; } = $"{http.Request.PathBase}{prefix}".TrimEnd('/');

    public BackupDashboardOptions Options { get; } = options;

    public string Url(string path) => Root + path;

    /// <summary>A POST form with the antiforgery token; <paramref name="fields"/> and the button are inside it.</summary>
    public RawHtml PostForm(string test, string action, string button, RawHtml fields = default, string buttonClass = "")
    {
        // The cookie half of the pair is set on this response; the form carries the other half.
        _tokens ??= Http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Http);
        return Html.Of($"""<form method="post" action="{Url(action)}" data-test="{test}">{fields}<input type="hidden" name="{_tokens.FormFieldName}" value="{_tokens.RequestToken}"><button type="submit" class="{buttonClass}" data-test="{test}-submit">{button}</button></form>""");
    }
}
