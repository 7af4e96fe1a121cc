using System.Text.Json;
using Backup.AspNetCore;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Drills;
using Backup.Core.Monitoring;
using Backup.Core.Operations;
using Backup.Core.Retention;
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
    /// <summary>
    /// Registers the API's operations (shared with the dashboard, with <paramref name="configureOperations"/>) and
    /// problem details for the API's 401 and 403. Optional: without it <see cref="MapBackupEndpoints"/> keeps its own operations.
    /// </summary>
    public static IServiceCollection AddBackupEndpoints(this IServiceCollection services, Action<BackupOperationsOptions>? configureOperations = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var operations = services.AddOptions<BackupOperationsOptions>();
        if (configureOperations is not null)
        {
            operations.Configure(configureOperations);
        }
        services.TryAddSingleton<BackupOperations>();
        BackupAuthorizationProblems.Register(services);
        return services;
    }

    /// <summary>
    /// Maps every route. Each capability requires its policy (<see cref="BackupEndpointOptions.ReadPolicy"/>,
    /// <see cref="BackupEndpointOptions.BackupPolicy"/>, ...; <see cref="BackupEndpointOptions.AuthorizationPolicy"/>
    /// or the host's default policy when unset) unless <see cref="BackupEndpointOptions.AllowAnonymous"/> is set.
    /// Backups and restores answer 202 with an operation to poll at <c>operations/{id}</c>.
    /// Needs <c>AddBackupSystem()</c>, and authorization unless anonymous: without them it throws here, naming the fix.
    /// </summary>
    public static RouteGroupBuilder MapBackupEndpoints(this IEndpointRouteBuilder app, Action<BackupEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var ops = BackupEndpointServices.Resolve(app);
        var options = new BackupEndpointOptions();
        configure?.Invoke(options);
        BackupEndpointServices.CheckAuthorization(app, options.AllowAnonymous);
        var rules = new BackupRequestRules(options);
        var api = app.MapGroup(options.RoutePrefix);
        ((IEndpointConventionBuilder)api).Finally(BackupQueryValues.Guard);
        api.WithMetadata(new BackupAuthorizationProblems.Marker());
        if (!options.AllowAnonymous)
        {
            api.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        }
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

        read.MapGet("/status", async (BackupService s, CancellationToken ct) => Json(await s.GetBackupStatusAsync(ct).ConfigureAwait(false)))
            .Describe("getBackupStatus", BackupEndpointMetadata.Backups, "The backup system's status").Returns<BackupSystemStatus>();
        read.MapGet("/", async (BackupService s, string? type, string? status, int? limit, CancellationToken ct) =>
            Json(await s.ListBackupsAsync(new BackupQuery { Type = Parse<BackupType>(type, "type"), Status = Parse<BackupStatus>(status, "status"), Limit = limit }, ct).ConfigureAwait(false)))
            .Describe("listBackups", BackupEndpointMetadata.Backups, "Lists backups, newest first").Returns<IReadOnlyList<BackupManifest>>().Invalid();
        read.MapGet("/analytics/overview", async (BackupService s, CancellationToken ct) => Json(await s.GetBackupAnalyticsAsync(ct).ConfigureAwait(false)))
            .Describe("getBackupAnalytics", BackupEndpointMetadata.Analytics, "Backup analytics").Returns<BackupAnalytics>();
        read.MapGet("/analytics/drills", async (BackupService s, int? limit, DateTimeOffset? since, CancellationToken ct) =>
            Json(await s.GetDrillAnalyticsAsync(limit, since, ct).ConfigureAwait(false)))
            .Describe("getDrillAnalytics", BackupEndpointMetadata.Analytics, "Restore drill analytics").Returns<DrillAnalytics>().Invalid();
        // Any operator may reach the cancel route; the handler then asks for the policy of what the operation does.
        BackupOperationRoutes.Map(read, ops, (http, kind) => options.AllowAnonymous ? Task.CompletedTask : RequirePolicyAsync(http, CancelPolicy(options, kind) ?? options.AuthorizationPolicy, $"cancels a {kind} operation", $"the permission that starts it ({CancelPolicyName(kind)})"));
        read.MapPost("/cleanup", async (HttpContext http, BackupService s, bool? dryRun, CancellationToken ct) =>
        {
            if (dryRun == false)
            {
                await RequireDestructiveAsync(http, "deletes backups (dryRun=false)").ConfigureAwait(false);
            }
            return Json(await s.CleanupOldBackupsAsync(dryRun ?? true, null, ct).ConfigureAwait(false));
        }).Describe("cleanupBackups", BackupEndpointMetadata.Backups, "Applies retention (a dry run unless dryRun=false)").Returns<RetentionPlan>().Invalid();

        backup.MapPost("/full", async (HttpContext http, BackupService s) =>
        {
            var body = await BodyAsync<FullBackupOptions>(http, options).ConfigureAwait(false) ?? new FullBackupOptions();
            rules.Check(http, body);
            return Accepted(ops.Start("full", async (p, ct) => await s.CreateFullBackupAsync(body, p, ct).ConfigureAwait(false)));
        }).Describe("createFullBackup", BackupEndpointMetadata.Backups, "Starts a full backup").Body<FullBackupOptions>().StartsOperation().Invalid().Problems(StatusCodes.Status409Conflict);
        backup.MapPost("/incremental", async (HttpContext http, BackupService s) =>
        {
            var body = await BodyAsync<IncrementalBackupOptions>(http, options).ConfigureAwait(false) ?? new IncrementalBackupOptions();
            rules.Check(http, body);
            return Accepted(ops.Start("incremental", async (p, ct) => await s.CreateIncrementalBackupAsync(body, p, ct).ConfigureAwait(false)));
        }).Describe("createIncrementalBackup", BackupEndpointMetadata.Backups, "Starts an incremental backup").Body<IncrementalBackupOptions>().StartsOperation().Invalid().Problems(StatusCodes.Status409Conflict);
        backup.MapPost("/files", async (HttpContext http, BackupService s) =>
        {
            var body = await BodyAsync<FileBackupRequest>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A body with name and options is required.");
            rules.Check(http, body);
            return Accepted(ops.Start("files", async (p, ct) => await s.CreateFileBackupAsync(body.Name, body.Options, p, ct).ConfigureAwait(false)));
        }).Describe("createFileBackup", BackupEndpointMetadata.Backups, "Starts a file backup").Body<FileBackupRequest>(optional: false).StartsOperation().Invalid().Problems(StatusCodes.Status409Conflict);
        restore.MapPost("/restore/point-in-time", async (HttpContext http, BackupService s) =>
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
        }).Describe("restorePointInTime", BackupEndpointMetadata.Restores, "Starts a point-in-time recovery (latest, a moment, or before a migration)").Body<PointInTimeRequest>().StartsOperation().Invalid().Problems(StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        restore.MapPost("/restore/tables", async (HttpContext http, BackupService s) =>
        {
            var body = await BodyAsync<TableRestoreRequest>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("tables", "A body with tables is required.");
            BackupRequestRules.Check(body);
            return Accepted(ops.Start(TableRestoreOperations.Kind, async (p, ct) => await TableRestoreOperations.RestoreAsync(s, body, p, ct).ConfigureAwait(false)));
        }).Describe("restoreTables", BackupEndpointMetadata.Restores, "Starts restoring chosen tables beside the live ones").Body<TableRestoreRequest>(optional: false).StartsOperation().Invalid();
        // Writes into live tables: the destructive permission. Only copies this server restored are copied back.
        destructive.MapPost("/restore/tables/apply", async (HttpContext http, BackupService s) =>
        {
            var body = await BodyAsync<TableRestoreApplyRequest>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("operationId", "A body with operationId is required.");
            var restored = TableRestoreOperations.Restored(ops, body.OperationId);
            return Accepted(ops.Start(TableRestoreOperations.ApplyKind, async (_, ct) => await TableRestoreOperations.ApplyAsync(s, restored, ct).ConfigureAwait(false)));
        }).Describe("applyTableRestore", BackupEndpointMetadata.Restores, "Copies restored tables back into the live ones").Body<TableRestoreApplyRequest>(optional: false).StartsOperation().Invalid().Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        restore.MapPost("/restore/{id}", async (HttpContext http, BackupService s, string id, CancellationToken ct) =>
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
        }).Describe("restoreBackup", BackupEndpointMetadata.Restores, "Starts restoring a backup").Body<RestoreOptions>().StartsOperation().Invalid().Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        read.MapGet("/drills", async (BackupService s, int? limit, CancellationToken ct) => Json(await s.ListDrillsAsync(limit, ct).ConfigureAwait(false)))
            .Describe("listDrills", BackupEndpointMetadata.Drills, "Lists restore drills, newest first").Returns<IReadOnlyList<DrillRecord>>().Invalid();
        // A drill restores into a scratch database of the server: the restore capability's, though it replaces nothing.
        restore.MapPost("/drills", async (HttpContext http, BackupService s) =>
        {
            var body = await BodyAsync<DrillRequest>(http, options).ConfigureAwait(false);
            // Only the moment comes from a client: a schedule id would make a drill by hand look scheduled.
            var drill = new Backup.Core.Drills.DrillOptions { At = body?.At };
            return Accepted(ops.Start("drill", async (_, ct) => await s.RunRestoreDrillAsync(drill, ct).ConfigureAwait(false)));
        }).Describe("runDrill", BackupEndpointMetadata.Drills, "Starts a restore drill").Body<DrillRequest>().StartsOperation().Invalid().Problems(StatusCodes.Status409Conflict);
        read.MapGet("/{id}", async (BackupService s, string id, CancellationToken ct) => Json(await s.GetBackupAsync(id, ct).ConfigureAwait(false)))
            .Describe("getBackup", BackupEndpointMetadata.Backups, "A backup's manifest").Returns<BackupManifest>().Invalid().Problems(StatusCodes.Status404NotFound);
        // A backup others depend on is a 409 naming them, unless cascade=true deletes them too (newest first).
        destructive.MapDelete("/{id}", async (BackupService s, string id, bool? cascade, CancellationToken ct) => Json(await s.DeleteBackupAsync(id, cascade == true, ct).ConfigureAwait(false)))
            .Describe("deleteBackup", BackupEndpointMetadata.Backups, "Deletes a backup (409 naming the backups that depend on it, unless cascade=true deletes them too)").Returns<BackupManifest>().Invalid().Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
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
        }).Describe("downloadBackup", BackupEndpointMetadata.Backups, "A backup's content, decrypted and decompressed: a full backup as a pg_restore archive, a file backup as a tar, an incremental as its change segment").Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream", "application/x-tar").Invalid().Problems(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);

        read.MapGet("/schedules", async (IScheduler sc, CancellationToken ct) => Json(await ScheduleResponses.ListAsync(sc, ct).ConfigureAwait(false)))
            .Describe("listSchedules", BackupEndpointMetadata.Schedules, "Lists schedules with their next run, last run and health").Returns<IReadOnlyList<ScheduleResponse>>();
        read.MapGet("/schedules/{scheduleId}", async (IScheduler sc, string scheduleId, CancellationToken ct) =>
            Json(await ScheduleResponses.GetAsync(sc, scheduleId, ct).ConfigureAwait(false) ?? throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.")))
            .Describe("getSchedule", BackupEndpointMetadata.Schedules, "A schedule with its next run, last run and health").Returns<ScheduleResponse>().Problems(StatusCodes.Status404NotFound);
        schedules.MapPost("/schedules", async (HttpContext http, IScheduler sc, CancellationToken ct) =>
        {
            var schedule = await BodyAsync<BackupSchedule>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A schedule is required.");
            rules.Check(http, schedule);
            var created = await ScheduleCreation.CreateAsync(sc, schedule, ct).ConfigureAwait(false);
            http.Response.Headers.Location = $"{http.Request.PathBase}{options.RoutePrefix.TrimEnd('/')}/schedules/{Uri.EscapeDataString(created.Id)}";
            return Results.Json(ScheduleResponses.Of(sc, created), BackupApiJson.Options, statusCode: StatusCodes.Status201Created);
        }).Describe("createSchedule", BackupEndpointMetadata.Schedules, "Creates a schedule").Body<BackupSchedule>(optional: false).Returns<ScheduleResponse>(StatusCodes.Status201Created).Invalid().Problems(StatusCodes.Status409Conflict);
        schedules.MapPut("/schedules/{scheduleId}", async (HttpContext http, IScheduler sc, string scheduleId, CancellationToken ct) =>
        {
            var schedule = await BodyAsync<BackupSchedule>(http, options).ConfigureAwait(false) ?? throw new BackupConfigurationException("body", "A schedule is required.");
            rules.Check(http, schedule);
            return Json(ScheduleResponses.Of(sc, await sc.UpdateScheduleAsync(schedule with { Id = scheduleId }, ct).ConfigureAwait(false)));
        }).Describe("updateSchedule", BackupEndpointMetadata.Schedules, "Replaces a schedule").Body<BackupSchedule>(optional: false).Returns<ScheduleResponse>().Invalid().Problems(StatusCodes.Status404NotFound);
        schedules.MapDelete("/schedules/{scheduleId}", async (IScheduler sc, string scheduleId, CancellationToken ct) =>
            await sc.DeleteScheduleAsync(scheduleId, ct).ConfigureAwait(false) ? Results.NoContent() : throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'."))
            .Describe("deleteSchedule", BackupEndpointMetadata.Schedules, "Deletes a schedule").Produces(StatusCodes.Status204NoContent).Problems(StatusCodes.Status404NotFound);
        schedules.MapPost("/schedules/{scheduleId}/enable", async (IScheduler sc, string scheduleId, CancellationToken ct) => Json(ScheduleResponses.Of(sc, await sc.EnableScheduleAsync(scheduleId, ct).ConfigureAwait(false))))
            .Describe("enableSchedule", BackupEndpointMetadata.Schedules, "Enables a schedule").Returns<ScheduleResponse>().Problems(StatusCodes.Status404NotFound);
        schedules.MapPost("/schedules/{scheduleId}/disable", async (IScheduler sc, string scheduleId, CancellationToken ct) => Json(ScheduleResponses.Of(sc, await sc.DisableScheduleAsync(scheduleId, ct).ConfigureAwait(false))))
            .Describe("disableSchedule", BackupEndpointMetadata.Schedules, "Disables a schedule").Returns<ScheduleResponse>().Problems(StatusCodes.Status404NotFound);
        schedules.MapPost("/schedules/{scheduleId}/run", async (IScheduler sc, string scheduleId, CancellationToken ct) =>
        {
            _ = await sc.GetScheduleAsync(scheduleId, ct).ConfigureAwait(false) ?? throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.");
            return Accepted(ops.Start("schedule-run", async (_, c) => await sc.ForceRunScheduleAsync(scheduleId, c).ConfigureAwait(false)));
        }).Describe("runSchedule", BackupEndpointMetadata.Schedules, "Runs a schedule now").StartsOperation().Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return api;
    }

    private static IResult Json(object? value) => Results.Json(value, BackupApiJson.Options);

    // Stopping an operation takes the permission that starts one of its kind (the kinds of ops.Start above).
    private static string? CancelPolicy(BackupEndpointOptions options, string kind) => CancelPolicyName(kind) switch
    {
        nameof(BackupEndpointOptions.RestorePolicy) => options.RestorePolicy,
        nameof(BackupEndpointOptions.DestructivePolicy) => options.DestructivePolicy,
        nameof(BackupEndpointOptions.SchedulesPolicy) => options.SchedulesPolicy,
        _ => options.BackupPolicy,
    };

    private static string CancelPolicyName(string kind) => kind switch
    {
        "restore" or "point-in-time" or "drill" or TableRestoreOperations.Kind => nameof(BackupEndpointOptions.RestorePolicy),
        TableRestoreOperations.ApplyKind => nameof(BackupEndpointOptions.DestructivePolicy),
        "schedule-run" => nameof(BackupEndpointOptions.SchedulesPolicy),
        _ => nameof(BackupEndpointOptions.BackupPolicy),
    };

    private static async Task RequirePolicyAsync(HttpContext http, string? policy, string what, string permission = "the destructive permission (DestructivePolicy)")
    {
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = policy is null
            ? await authorization.AuthorizeAsync(http.User, null, await http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>().GetDefaultPolicyAsync().ConfigureAwait(false)).ConfigureAwait(false)
            : await authorization.AuthorizeAsync(http.User, policy).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw BackupRequestException.Forbidden($"This request {what}: it needs {permission}.");
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
