using System.Text.Json;
using Backup.AspNetCore;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.Core.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>app.MapBackupEndpoints()</c>: the seed's REST API under <c>/api/v1/backup</c>.</summary>
public static class BackupEndpoints
{
    /// <summary>Registers what the endpoints need (called by <see cref="MapBackupEndpoints"/> too late for DI; call it with AddBackupSystem).</summary>
    public static IServiceCollection AddBackupEndpoints(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<BackupOperations>();
        return services;
    }

    /// <summary>
    /// Maps every route. Authorization is required (the default policy, or
    /// <see cref="BackupEndpointOptions.AuthorizationPolicy"/>) unless
    /// <see cref="BackupEndpointOptions.AllowAnonymous"/> is set. Backups and restores answer
    /// 202 with an operation to poll at <c>operations/{id}</c>.
    /// </summary>
    public static RouteGroupBuilder MapBackupEndpoints(this IEndpointRouteBuilder app, Action<BackupEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = new BackupEndpointOptions();
        configure?.Invoke(options);
        var api = app.MapGroup(options.RoutePrefix);
        IResult Accepted(BackupOperation operation) => new AcceptedAt(options.RoutePrefix, operation);
        if (!options.AllowAnonymous)
        {
            _ = options.AuthorizationPolicy is { } policy ? api.RequireAuthorization(policy) : api.RequireAuthorization();
        }
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return BackupProblems.Result(ex);
            }
        });

        api.MapGet("/status", async (BackupService s, CancellationToken ct) => Json(await s.GetBackupStatusAsync(ct).ConfigureAwait(false)));
        api.MapGet("/", async (BackupService s, string? type, string? status, int? limit, CancellationToken ct) =>
            Json(await s.ListBackupsAsync(new BackupQuery { Type = Parse<BackupType>(type, "type"), Status = Parse<BackupStatus>(status, "status"), Limit = limit }, ct).ConfigureAwait(false)));
        api.MapGet("/analytics/overview", async (BackupService s, CancellationToken ct) => Json(await s.GetBackupAnalyticsAsync(ct).ConfigureAwait(false)));
        api.MapGet("/operations/{operationId}", (BackupOperations ops, string operationId) =>
            ops.Get(operationId) is { } op ? Json(op) : throw new BackupNotFoundException($"There is no operation '{operationId}' (operations are kept in memory until the host restarts)."));
        api.MapPost("/cleanup", async (BackupService s, bool? dryRun, CancellationToken ct) => Json(await s.CleanupOldBackupsAsync(dryRun ?? true, null, ct).ConfigureAwait(false)));

        api.MapPost("/full", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<FullBackupOptions>(http).ConfigureAwait(false) ?? new FullBackupOptions();
            return Accepted(ops.Start("full", async (p, ct) => await s.CreateFullBackupAsync(body, p, ct).ConfigureAwait(false)));
        });
        api.MapPost("/incremental", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<IncrementalBackupOptions>(http).ConfigureAwait(false) ?? new IncrementalBackupOptions();
            return Accepted(ops.Start("incremental", async (p, ct) => await s.CreateIncrementalBackupAsync(body, p, ct).ConfigureAwait(false)));
        });
        api.MapPost("/files", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<FileBackupRequest>(http).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A body with name and options is required.");
            return Accepted(ops.Start("files", async (p, ct) => await s.CreateFileBackupAsync(body.Name, body.Options, p, ct).ConfigureAwait(false)));
        });
        api.MapPost("/restore/point-in-time", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<PointInTimeRequest>(http).ConfigureAwait(false) ?? new PointInTimeRequest();
            return Accepted(ops.Start("point-in-time", async (p, ct) => body.Target is { } target
                ? await s.PointInTimeRecoveryAsync(target, body.Options, p, ct).ConfigureAwait(false)
                : await s.RestoreLatestAsync(body.Options, p, ct).ConfigureAwait(false)));
        });
        api.MapPost("/restore/{id}", async (HttpContext http, BackupService s, BackupOperations ops, string id, CancellationToken ct) =>
        {
            var manifest = await s.GetBackupAsync(id, ct).ConfigureAwait(false); // 400/404 now, not in the operation
            var body = await BodyAsync<RestoreOptions>(http).ConfigureAwait(false) ?? new RestoreOptions();
            return Accepted(ops.Start("restore", async (p, c) => manifest.Type == BackupType.Files
                ? await s.RestoreFilesAsync(manifest.Id, body.Files ?? throw new BackupConfigurationException("files.targetDirectory", "Restoring a file backup needs files.targetDirectory."), c).ConfigureAwait(false)
                : await s.RestoreFromBackupAsync(manifest.Id, body, p, c).ConfigureAwait(false)));
        });
        api.MapGet("/{id}", async (BackupService s, string id, CancellationToken ct) => Json(await s.GetBackupAsync(id, ct).ConfigureAwait(false)));
        api.MapDelete("/{id}", async (BackupService s, string id, CancellationToken ct) => Json(await s.DeleteBackupAsync(id, ct).ConfigureAwait(false)));
        api.MapGet("/{id}/download", async (BackupService s, string id, CancellationToken ct) =>
        {
            var manifest = await s.GetBackupAsync(id, ct).ConfigureAwait(false);
            var content = await s.OpenBackupContentAsync(manifest.Id, ct).ConfigureAwait(false);
            var extension = manifest.Type switch { BackupType.Full => "dump", BackupType.Incremental => "changes", _ => "tar" };
            return Results.Stream(content, "application/octet-stream", $"{manifest.Id}.{extension}");
        });

        var schedules = api.MapGroup("/schedules");
        schedules.MapGet("/", async (IScheduler sc, CancellationToken ct) => Json(await sc.ListSchedulesAsync(ct).ToListAsync(ct).ConfigureAwait(false)));
        schedules.MapPost("/", async (HttpContext http, IScheduler sc, CancellationToken ct) =>
        {
            var created = await sc.CreateScheduleAsync(await BodyAsync<BackupSchedule>(http).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A schedule is required."), ct).ConfigureAwait(false);
            return Results.Json(created, BackupApiJson.Options, statusCode: StatusCodes.Status201Created);
        });
        schedules.MapGet("/{scheduleId}", async (IScheduler sc, string scheduleId, CancellationToken ct) =>
            Json(await sc.GetScheduleAsync(scheduleId, ct).ConfigureAwait(false) ?? throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.")));
        schedules.MapPut("/{scheduleId}", async (HttpContext http, IScheduler sc, string scheduleId, CancellationToken ct) =>
        {
            var schedule = await BodyAsync<BackupSchedule>(http).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A schedule is required.");
            return Json(await sc.UpdateScheduleAsync(schedule with { Id = scheduleId }, ct).ConfigureAwait(false));
        });
        schedules.MapDelete("/{scheduleId}", async (IScheduler sc, string scheduleId, CancellationToken ct) =>
            await sc.DeleteScheduleAsync(scheduleId, ct).ConfigureAwait(false) ? Results.NoContent() : throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'."));
        schedules.MapPost("/{scheduleId}/enable", async (IScheduler sc, string scheduleId, CancellationToken ct) => Json(await sc.EnableScheduleAsync(scheduleId, ct).ConfigureAwait(false)));
        schedules.MapPost("/{scheduleId}/disable", async (IScheduler sc, string scheduleId, CancellationToken ct) => Json(await sc.DisableScheduleAsync(scheduleId, ct).ConfigureAwait(false)));
        schedules.MapPost("/{scheduleId}/run", async (IScheduler sc, BackupOperations ops, string scheduleId, CancellationToken ct) =>
        {
            _ = await sc.GetScheduleAsync(scheduleId, ct).ConfigureAwait(false) ?? throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.");
            return Accepted(ops.Start("schedule-run", async (_, c) => await sc.ForceRunScheduleAsync(scheduleId, c).ConfigureAwait(false)));
        });
        return api;
    }

    private static IResult Json(object? value) => Results.Json(value, BackupApiJson.Options);

    private static async Task<T?> BodyAsync<T>(HttpContext http)
    {
        if (http.Request.ContentLength is 0 || (http.Request.ContentLength is null && http.Request.Headers.TransferEncoding.Count == 0))
        {
            return default;
        }
        return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, BackupApiJson.Options, http.RequestAborted).ConfigureAwait(false);
    }

    private static TEnum? Parse<TEnum>(string? value, string field)
        where TEnum : struct, Enum =>
        value is null ? null
        : Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
        : throw new ArgumentException($"'{value}' is not a {field}; use one of: {string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.", field);

    /// <summary>202 with the operation, and a Location header pointing at it.</summary>
    private sealed class AcceptedAt(string prefix, BackupOperation operation) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = $"{httpContext.Request.PathBase}{prefix}/operations/{operation.Id}";
            return Results.Json(operation, BackupApiJson.Options, statusCode: StatusCodes.Status202Accepted).ExecuteAsync(httpContext);
        }
    }
}
