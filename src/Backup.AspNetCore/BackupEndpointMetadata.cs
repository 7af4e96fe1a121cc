using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore;

/// <summary>
/// What the OpenAPI document (and any other reader of endpoint metadata) learns about a route:
/// a unique operation id, a tag, its body and its answers. The handlers read bodies themselves
/// (size limit, strict JSON), so without this the document shows neither bodies nor schemas.
/// </summary>
internal static class BackupEndpointMetadata
{
    public const string Backups = "Backups";
    public const string Restores = "Restores";
    public const string Operations = "Operations";
    public const string Schedules = "Schedules";
    public const string Analytics = "Analytics";
    public const string Drills = "Drills";

    /// <summary>The operation id, tag and summary.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder route, string operationId, string tag, string summary) =>
        route.WithName(operationId).WithTags(tag).WithSummary(summary);

    /// <summary>A JSON answer of <typeparamref name="T"/> (200 unless told).</summary>
    public static RouteHandlerBuilder Returns<T>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK) =>
        route.Produces<T>(status, "application/json");

    /// <summary>A JSON body of <typeparamref name="T"/>, refused with 400 (field errors), 413 and 415.</summary>
    /// <remarks>
    /// Routing matches a request's content type against these types before the route runs and answers a
    /// mismatch with an empty 415; <c>*/*</c> lets every type through to the route, which refuses what is
    /// not JSON with problem details (and the document still shows the JSON schema).
    /// </remarks>
    public static RouteHandlerBuilder Body<T>(this RouteHandlerBuilder route, bool optional = true)
        where T : notnull =>
        route.Accepts<T>(optional, "application/json", "*/*")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>202 with the operation to poll at its <c>Location</c>.</summary>
    public static RouteHandlerBuilder StartsOperation(this RouteHandlerBuilder route) =>
        route.Produces<BackupOperation>(StatusCodes.Status202Accepted, "application/json");

    /// <summary>Field errors (400) as validation problem details.</summary>
    public static RouteHandlerBuilder Invalid(this RouteHandlerBuilder route) => route.ProducesValidationProblem();

    /// <summary>Problem details for each of <paramref name="statuses"/>.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            route.ProducesProblem(status);
        }
        return route;
    }
}
