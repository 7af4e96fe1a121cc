using System.Text.Json;
using Backup.AspNetCore;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.Core.Scheduling;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>app.MapBackupEndpoints()</c>: the backup REST API under <c>/api/v1/backup</c>.</summary>
public static class BackupEndpoints
{
    /// <summary>Registers what the endpoints need (called by <see cref="MapBackupEndpoints"/> too late for DI; call it with AddBackupSystem).</summary>
    public static IServiceCollection AddBackupEndpoints(this IServiceCollection services, Action<BackupOperationsOptions>? configureOperations = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var operations = services.AddOptions<BackupOperationsOptions>();
        if (configureOperations is not null)
        {
            operations.Configure(configureOperations);
        }
        services.TryAddSingleton<BackupOperations>();
        return services;
    }

    /// <summary>
    /// Maps every route. Each capability requires its policy (<see cref="BackupEndpointOptions.ReadPolicy"/>,
    /// <see cref="BackupEndpointOptions.BackupPolicy"/>, ...; <see cref="BackupEndpointOptions.AuthorizationPolicy"/>
    /// or the host's default policy when unset) unless <see cref="BackupEndpointOptions.AllowAnonymous"/> is set.
    /// Backups and restores answer 202 with an operation to poll at <c>operations/{id}</c>.
    /// </summary>
    public static RouteGroupBuilder MapBackupEndpoints(this IEndpointRouteBuilder app, Action<BackupEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = new BackupEndpointOptions();
        configure?.Invoke(options);
        var rules = new BackupRequestRules(options);
        var api = app.MapGroup(options.RoutePrefix);
        IResult Accepted(BackupOperation operation) => new AcceptedAt(options.RoutePrefix, operation);
        RouteGroupBuilder Capability(string? policy) => CapabilityGroups.Under(api, options.AllowAnonymous, policy, options.AuthorizationPolicy);
        // Some requests are destructive by their content (dropExisting, dryRun=false): checked in the handler, on top of the route's policy.
        Task RequireDestructiveAsync(HttpContext http, string what) =>
            options.AllowAnonymous ? Task.CompletedTask : RequirePolicyAsync(http, options.DestructivePolicy ?? options.AuthorizationPolicy, what);
        var read = Capability(options.ReadPolicy);
        var backup = Capability(options.BackupPolicy);
        var restore = Capability(options.RestorePolicy);
        var destructive = Capability(options.DestructivePolicy);
        var schedules = Capability(options.SchedulesPolicy);
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                RequireJsonContentType(context.HttpContext.Request);
                return await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (BackupProblems.HidesMessage(ex))
                {
                    var request = context.HttpContext.Request;
                    Log.RequestFailed(context.HttpContext.RequestServices.GetRequiredService<ILogger<BackupOperations>>(), ex, request.Method, request.Path, BackupProblems.For(ex).Status);
                }
                return BackupProblems.Result(ex);
            }
        });

        read.MapGet("/status", async (BackupService s, CancellationToken ct) => Json(await s.GetBackupStatusAsync(ct).ConfigureAwait(false)));
        read.MapGet("/", async (BackupService s, string? type, string? status, int? limit, CancellationToken ct) =>
            Json(await s.ListBackupsAsync(new BackupQuery { Type = Parse<BackupType>(type, "type"), Status = Parse<BackupStatus>(status, "status"), Limit = limit }, ct).ConfigureAwait(false)));
        read.MapGet("/analytics/overview", async (BackupService s, CancellationToken ct) => Json(await s.GetBackupAnalyticsAsync(ct).ConfigureAwait(false)));
        read.MapGet("/analytics/drills", async (BackupService s, int? limit, DateTimeOffset? since, CancellationToken ct) =>
            Json(await s.GetDrillAnalyticsAsync(limit, since, ct).ConfigureAwait(false)));
        BackupOperationRoutes.Map(read, backup);
        read.MapPost("/cleanup", async (HttpContext http, BackupService s, bool? dryRun, CancellationToken ct) =>
        {
            if (dryRun == false)
            {
                await RequireDestructiveAsync(http, "deletes backups (dryRun=false)").ConfigureAwait(false);
            }
            return Json(await s.CleanupOldBackupsAsync(dryRun ?? true, null, ct).ConfigureAwait(false));
        });

        backup.MapPost("/full", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<FullBackupOptions>(http, options).ConfigureAwait(false) ?? new FullBackupOptions();
            rules.Check(http, body);
            return Accepted(ops.Start("full", async (p, ct) => await s.CreateFullBackupAsync(body, p, ct).ConfigureAwait(false)));
        });
        backup.MapPost("/incremental", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<IncrementalBackupOptions>(http, options).ConfigureAwait(false) ?? new IncrementalBackupOptions();
            rules.Check(http, body);
            return Accepted(ops.Start("incremental", async (p, ct) => await s.CreateIncrementalBackupAsync(body, p, ct).ConfigureAwait(false)));
        });
        backup.MapPost("/files", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<FileBackupRequest>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A body with name and options is required.");
            rules.Check(http, body);
            return Accepted(ops.Start("files", async (p, ct) => await s.CreateFileBackupAsync(body.Name, body.Options, p, ct).ConfigureAwait(false)));
        });
        restore.MapPost("/restore/point-in-time", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<PointInTimeRequest>(http, options).ConfigureAwait(false) ?? new PointInTimeRequest();
            rules.Check(body);
            if (body.Options.Files is { Overwrite: not FileOverwritePolicy.Fail })
            {
                await RequireDestructiveAsync(http, "overwrites existing files (files.overwrite)").ConfigureAwait(false);
            }
            return Accepted(ops.Start("point-in-time", async (p, ct) => body switch
            {
                { BeforeMigration: { } migration } => await s.RecoverBeforeMigrationAsync(migration, body.Options, p, ct).ConfigureAwait(false),
                { Target: { } target } => await s.PointInTimeRecoveryAsync(target, body.Options, p, ct).ConfigureAwait(false),
                _ => await s.RestoreLatestAsync(body.Options, p, ct).ConfigureAwait(false),
            }));
        });
        restore.MapPost("/restore/tables", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<TableRestoreRequest>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("tables", "A body with tables is required.");
            BackupRequestRules.Check(body);
            return Accepted(ops.Start(TableRestoreOperations.Kind, async (p, ct) => await TableRestoreOperations.RestoreAsync(s, body, p, ct).ConfigureAwait(false)));
        });
        // Writes into live tables: the destructive permission. Only copies this server restored are copied back.
        destructive.MapPost("/restore/tables/apply", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<TableRestoreApplyRequest>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("operationId", "A body with operationId is required.");
            var restored = TableRestoreOperations.Restored(ops, body.OperationId);
            return Accepted(ops.Start(TableRestoreOperations.ApplyKind, async (_, ct) => await TableRestoreOperations.ApplyAsync(s, restored, ct).ConfigureAwait(false)));
        });
        restore.MapPost("/restore/{id}", async (HttpContext http, BackupService s, BackupOperations ops, string id, CancellationToken ct) =>
        {
            var manifest = await s.GetBackupAsync(id, ct).ConfigureAwait(false); // 400/404 now, not in the operation
            var body = await BodyAsync<RestoreOptions>(http, options).ConfigureAwait(false) ?? new RestoreOptions();
            rules.Check(body, manifest);
            if (body.DropExisting)
            {
                await RequireDestructiveAsync(http, "replaces an existing database (dropExisting)").ConfigureAwait(false);
            }
            if (body.Files is { Overwrite: not FileOverwritePolicy.Fail })
            {
                await RequireDestructiveAsync(http, "overwrites existing files (files.overwrite)").ConfigureAwait(false);
            }
            return Accepted(ops.Start("restore", async (p, c) => manifest.Type == BackupType.Files
                ? await s.RestoreFilesAsync(manifest.Id, body.Files ?? throw new BackupConfigurationException("files.targetDirectory", "Restoring a file backup needs files.targetDirectory."), c).ConfigureAwait(false)
                : await s.RestoreFromBackupAsync(manifest.Id, body, p, c).ConfigureAwait(false)));
        });
        read.MapGet("/drills", async (BackupService s, int? limit, CancellationToken ct) => Json(await s.ListDrillsAsync(limit, ct).ConfigureAwait(false)));
        // A drill restores into a scratch database of the server: the restore capability's, though it replaces nothing.
        restore.MapPost("/drills", async (HttpContext http, BackupService s, BackupOperations ops) =>
        {
            var body = await BodyAsync<Backup.Core.Drills.DrillOptions>(http, options).ConfigureAwait(false);
            // Only the moment comes from a client: a schedule id would make a drill by hand look scheduled.
            var drill = new Backup.Core.Drills.DrillOptions { At = body?.At };
            return Accepted(ops.Start("drill", async (_, ct) => await s.RunRestoreDrillAsync(drill, ct).ConfigureAwait(false)));
        });
        read.MapGet("/{id}", async (BackupService s, string id, CancellationToken ct) => Json(await s.GetBackupAsync(id, ct).ConfigureAwait(false)));
        // A backup others depend on is a 409 naming them, unless cascade=true deletes them too (newest first).
        destructive.MapDelete("/{id}", async (BackupService s, string id, bool? cascade, CancellationToken ct) => Json(await s.DeleteBackupAsync(id, cascade == true, ct).ConfigureAwait(false)));
        restore.MapGet("/{id}/download", async (BackupService s, string id, bool? unverified, CancellationToken ct) =>
        {
            var manifest = await s.GetBackupAsync(id, ct).ConfigureAwait(false);
            if (unverified != true && (await s.VerifyBackupAsync(manifest.Id, deep: false, ct).ConfigureAwait(false)) is { IsValid: false })
            {
                // Reading it all first costs a second pass, but a client must never get tampered bytes with a 200.
                throw new BackupIntegrityException($"The backup '{manifest.Id}' failed verification; it is not sent. Download it with unverified=true to get the bytes anyway.");
            }
            var extension = manifest.Type switch { BackupType.Full => "dump", BackupType.Incremental => "changes", _ => "tar" };
            return new BackupDownload(manifest.Id, $"{manifest.Id}.{extension}", c => s.OpenBackupContentAsync(manifest.Id, c), extension == "tar" ? "application/x-tar" : "application/octet-stream");
        });

        read.MapGet("/schedules", async (IScheduler sc, CancellationToken ct) => Json(await sc.ListSchedulesAsync(ct).ToListAsync(ct).ConfigureAwait(false)));
        read.MapGet("/schedules/{scheduleId}", async (IScheduler sc, string scheduleId, CancellationToken ct) =>
            Json(await sc.GetScheduleAsync(scheduleId, ct).ConfigureAwait(false) ?? throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.")));
        schedules.MapPost("/schedules", async (HttpContext http, IScheduler sc, CancellationToken ct) =>
        {
            var schedule = await BodyAsync<BackupSchedule>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A schedule is required.");
            rules.Check(http, schedule);
            var created = await sc.CreateScheduleAsync(schedule, ct).ConfigureAwait(false);
            return Results.Json(created, BackupApiJson.Options, statusCode: StatusCodes.Status201Created);
        });
        schedules.MapPut("/schedules/{scheduleId}", async (HttpContext http, IScheduler sc, string scheduleId, CancellationToken ct) =>
        {
            var schedule = await BodyAsync<BackupSchedule>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A schedule is required.");
            rules.Check(http, schedule);
            return Json(await sc.UpdateScheduleAsync(schedule with { Id = scheduleId }, ct).ConfigureAwait(false));
        });
        schedules.MapDelete("/schedules/{scheduleId}", async (IScheduler sc, string scheduleId, CancellationToken ct) =>
            await sc.DeleteScheduleAsync(scheduleId, ct).ConfigureAwait(false) ? Results.NoContent() : throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'."));
        schedules.MapPost("/schedules/{scheduleId}/enable", async (IScheduler sc, string scheduleId, CancellationToken ct) => Json(await sc.EnableScheduleAsync(scheduleId, ct).ConfigureAwait(false)));
        schedules.MapPost("/schedules/{scheduleId}/disable", async (IScheduler sc, string scheduleId, CancellationToken ct) => Json(await sc.DisableScheduleAsync(scheduleId, ct).ConfigureAwait(false)));
        schedules.MapPost("/schedules/{scheduleId}/run", async (IScheduler sc, BackupOperations ops, string scheduleId, CancellationToken ct) =>
        {
            _ = await sc.GetScheduleAsync(scheduleId, ct).ConfigureAwait(false) ?? throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.");
            return Accepted(ops.Start("schedule-run", async (_, c) => await sc.ForceRunScheduleAsync(scheduleId, c).ConfigureAwait(false)));
        });
        return api;
    }

    private static IResult Json(object? value) => Results.Json(value, BackupApiJson.Options);

    private static async Task RequirePolicyAsync(HttpContext http, string? policy, string what)
    {
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = policy is null
            ? await authorization.AuthorizeAsync(http.User, null, await http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>().GetDefaultPolicyAsync().ConfigureAwait(false)).ConfigureAwait(false)
            : await authorization.AuthorizeAsync(http.User, policy).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw BackupRequestException.Forbidden($"This request {what}: it needs the destructive permission (DestructivePolicy).");
        }
    }

    // A browser form can post to any origin without a preflight, but only as a form or text:
    // refusing every other type than JSON keeps cross-site forms out, and bodies mean one thing.
    private static void RequireJsonContentType(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return;
        }
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if ((hasBody || request.ContentType is not null) && !request.HasJsonContentType())
        {
            throw new BackupRequestException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json.");
        }
    }

    private static async Task<T?> BodyAsync<T>(HttpContext http, BackupEndpointOptions options)
    {
        var request = http.Request;
        if (request.ContentLength is 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return default;
        }
        var tooLarge = new BackupRequestException(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body may have at most {options.MaxRequestBodyBytes} bytes.");
        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            throw tooLarge;
        }
        var buffer = new byte[options.MaxRequestBodyBytes + 1];
        var length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, http.RequestAborted).ConfigureAwait(false);
        return length > options.MaxRequestBodyBytes ? throw tooLarge : JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), BackupApiJson.Options);
    }

    private static TEnum? Parse<TEnum>(string? value, string field)
        where TEnum : struct, Enum =>
        value is null ? null
        : Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
        : throw new ArgumentException($"'{value}' is not a {field}; use one of: {string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.", field);

    /// <summary>202 with the operation, and a Location header pointing at it.</summary>
    private sealed class AcceptedAt(string prefix, BackupOperation operation) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            // Its record is in the store before the client learns its id: a poll on any replica finds it.
            await operation.Recorded.ConfigureAwait(false);
            httpContext.Response.Headers.Location = $"{httpContext.Request.PathBase}{prefix}/operations/{operation.Id}";
            await Results.Json(operation, BackupApiJson.Options, statusCode: StatusCodes.Status202Accepted).ExecuteAsync(httpContext).ConfigureAwait(false);
        }
    }
}
