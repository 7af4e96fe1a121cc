using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore;

/// <summary>
/// Query values checked before the framework binds them: a value it cannot bind (<c>?limit=abc</c>)
/// ends the request with an empty 400 before any endpoint filter runs. Wrapping each route's request
/// delegate refuses such a value with problem details naming the parameter, and keeps the
/// parameters typed for the OpenAPI document.
/// </summary>
internal static class BackupQueryValues
{
    public const int MaxLimit = 10_000;

    /// <summary>A convention (<c>Finally</c>) wrapping the route's request delegate.</summary>
    public static void Guard(EndpointBuilder endpoint)
    {
        if (endpoint.RequestDelegate is not { } inner)
        {
            return;
        }
        var declared = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault()?.GetParameters()
            .Select(p => p.Name).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        endpoint.RequestDelegate = async http =>
        {
            if (Problem(http.Request, declared) is { } problem)
            {
                await BackupProblems.Result(problem).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
            await inner(http).ConfigureAwait(false);
            if (http.Response.StatusCode == StatusCodes.Status400BadRequest && !http.Response.HasStarted)
            {
                // Any other value the framework refused (a route value, a header): still a problem, not an empty body.
                await BackupProblems.Result(new BackupRequestException(StatusCodes.Status400BadRequest, "Invalid request", "A route or query value is not valid for this route.")).ExecuteAsync(http).ConfigureAwait(false);
            }
        };
    }

    private static BackupRequestException? Problem(HttpRequest request, HashSet<string> declared)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Query)
        {
            if (!declared.Contains(name) || values.Count == 0 || values[^1] is not { } text)
            {
                continue;
            }
            var message = name.ToLowerInvariant() switch
            {
                "limit" => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit
                    ? null : $"'{name}' must be a whole number from 1 to {MaxLimit}.",
                "since" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? null : $"'{name}' must be a date and time (ISO 8601, e.g. 2026-01-31T12:00:00Z).",
                "dryrun" or "unverified" or "cascade" => bool.TryParse(text, out _) ? null : $"'{name}' must be true or false.",
                _ => null,
            };
            if (message is not null)
            {
                errors[name] = [message];
            }
        }
        return errors.Count == 0 ? null : BackupRequestException.Invalid(errors);
    }
}
