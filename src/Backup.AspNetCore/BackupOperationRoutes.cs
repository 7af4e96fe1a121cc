using Backup.Core.Abstractions;
using Backup.Core.OperationRecords;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Backup.AspNetCore;

/// <summary>
/// <c>GET operations</c>, <c>GET operations/{id}</c> and <c>POST operations/{id}/cancel</c>: answered
/// on any replica that shares the backup store, whichever one runs the operation.
/// </summary>
internal static class BackupOperationRoutes
{
    /// <summary>Maps the routes; <paramref name="ops"/> comes from the caller, never from a handler parameter (which would be read as an inferred body when not registered); <c>requireCancelPolicy</c> refuses (403) a user who may not start an operation of that kind.</summary>
    public static void Map(RouteGroupBuilder read, BackupOperations ops, Func<HttpContext, string, Task> requireCancelPolicy)
    {
        read.MapGet("/operations", async (string? status, CancellationToken ct) =>
        {
            if (status is not null && !OperationStatus.IsKnown(status))
            {
                throw new ArgumentException($"'{status}' is not an operation status; use one of: running, succeeded, failed, cancelled, abandoned.", nameof(status));
            }
            return Json(await ops.ListAsync(status, ct).ConfigureAwait(false));
        }).Describe("listOperations", BackupEndpointMetadata.Operations, "Lists the operations every replica sharing the store runs or ran, newest first").Returns<IReadOnlyList<BackupOperation>>().Invalid();
        read.MapGet("/operations/{operationId}", async (string operationId, CancellationToken ct) =>
            Json(await ops.GetAsync(operationId, ct).ConfigureAwait(false) ?? throw NotFound(operationId)))
            .Describe("getOperation", BackupEndpointMetadata.Operations, "A long operation's state, from any replica").Returns<BackupOperation>().Invalid().Problems(StatusCodes.Status404NotFound);
        // Every operator reaches the route (a restore operator cancels their restore); the kind's own policy is checked here.
        read.MapPost("/operations/{operationId}/cancel", async (HttpContext http, string operationId, CancellationToken ct) =>
        {
            var operation = await ops.GetAsync(operationId, ct).ConfigureAwait(false) ?? throw NotFound(operationId);
            await requireCancelPolicy(http, operation.Kind).ConfigureAwait(false);
            return Results.Json(await ops.CancelAsync(operationId, ct).ConfigureAwait(false) ?? throw NotFound(operationId), BackupApiJson.Options, statusCode: StatusCodes.Status202Accepted);
        })
            .Describe("cancelOperation", BackupEndpointMetadata.Operations, "Asks the replica running an operation to cancel it").Returns<BackupOperation>(StatusCodes.Status202Accepted).Invalid().Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }

    private static IResult Json(object value) => Results.Json(value, BackupApiJson.Options);

    private static BackupNotFoundException NotFound(string operationId) =>
        new($"There is no operation '{operationId}' (finished operations are kept for the retention of the API's operations, one hour by default).");
}
