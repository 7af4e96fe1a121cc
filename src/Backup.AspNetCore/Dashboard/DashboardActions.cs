using System.Globalization;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Dashboard;

/// <summary>
/// The forms' POSTs: each checks the antiforgery token, then does what the REST API's route does
/// (the same service calls, the same request rules, long work as an operation), then redirects (303).
/// </summary>
internal sealed class DashboardActions(string prefix)
{
    // The dashboard offers no switch for what the API's options may allow: its restores go to a new database only.
    private readonly BackupRequestRules _rules = new(new BackupEndpointOptions());

    public async Task<IResult> BackupNowAsync(HttpContext http, BackupService backups, BackupOperations operations)
    {
        await ValidateAsync(http).ConfigureAwait(false);
        var options = new FullBackupOptions { Comment = "from the dashboard" };
        _rules.Check(http, options);
        var operation = operations.Start("full", async (p, ct) => await backups.CreateFullBackupAsync(options, p, ct).ConfigureAwait(false));
        return SeeOther(http, $"/?operation={operation.Id}");
    }

    public async Task<IResult> VerifyAsync(HttpContext http, BackupService backups, BackupOperations operations, string id, CancellationToken cancellationToken)
    {
        await ValidateAsync(http).ConfigureAwait(false);
        var manifest = await backups.GetBackupAsync(id, cancellationToken).ConfigureAwait(false);
        operations.Start("verify", async (_, ct) => await backups.VerifyBackupAsync(manifest.Id, deep: false, ct).ConfigureAwait(false)).BackupId = manifest.Id;
        return SeeOther(http, Details(manifest.Id));
    }

    public async Task<IResult> RestoreAsync(HttpContext http, BackupService backups, BackupOperations operations, string id, CancellationToken cancellationToken)
    {
        var form = await ValidateAsync(http).ConfigureAwait(false);
        var manifest = await backups.GetBackupAsync(id, cancellationToken).ConfigureAwait(false);
        var target = form["targetDatabase"].ToString();
        if (!Confirmed(form))
        {
            return SeeOther(http, $"{Details(manifest.Id)}/restore/confirm?targetDatabase={Uri.EscapeDataString(target)}");
        }
        if (manifest.Type == BackupType.Files)
        {
            throw new BackupConfigurationException("targetDatabase", "A file backup restores into a directory, not a database: use the REST API (files.targetDirectory).");
        }
        if (string.IsNullOrWhiteSpace(target))
        {
            throw new BackupConfigurationException("targetDatabase", "Name the new database to restore into.");
        }
        var options = new RestoreOptions { TargetDatabase = target };
        _rules.Check(options, manifest);
        var operation = operations.Start("restore", async (p, ct) => await backups.RestoreFromBackupAsync(manifest.Id, options, p, ct).ConfigureAwait(false));
        return SeeOther(http, $"/?operation={operation.Id}");
    }

    public async Task<IResult> RestoreTablesAsync(HttpContext http, BackupService backups, BackupOperations operations)
    {
        var form = await ValidateAsync(http).ConfigureAwait(false);
        var at = form["at"].ToString().Trim();
        var request = new TableRestoreRequest
        {
            Tables = form["tables"].ToString().Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries),
            At = at.Length == 0 ? null
                : DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var moment) ? moment
                : throw new BackupConfigurationException("at", $"'{at}' is not a time: write ISO 8601, e.g. 2026-11-30T09:41:00Z (without an offset it is UTC)."),
            TargetSchema = form["targetSchema"].ToString().Trim() is { Length: > 0 } schema ? schema : null,
        };
        BackupRequestRules.Check(request);
        var operation = operations.Start(TableRestoreOperations.Kind, async (p, ct) => await TableRestoreOperations.RestoreAsync(backups, request, p, ct).ConfigureAwait(false));
        return SeeOther(http, $"/tables?operation={operation.Id}");
    }

    public async Task<IResult> ApplyTablesAsync(HttpContext http, BackupService backups, BackupOperations operations)
    {
        var form = await ValidateAsync(http).ConfigureAwait(false);
        var operationId = form["operation"].ToString();
        if (!Confirmed(form))
        {
            return SeeOther(http, $"/tables/apply/confirm?operation={Uri.EscapeDataString(operationId)}");
        }
        var restored = TableRestoreOperations.Restored(operations, operationId);
        var operation = operations.Start(TableRestoreOperations.ApplyKind, async (_, ct) => await TableRestoreOperations.ApplyAsync(backups, restored, ct).ConfigureAwait(false));
        return SeeOther(http, $"/tables?operation={operation.Id}");
    }

    public async Task<IResult> DeleteAsync(HttpContext http, BackupService backups, string id, CancellationToken cancellationToken)
    {
        var form = await ValidateAsync(http).ConfigureAwait(false);
        if (!Confirmed(form))
        {
            return SeeOther(http, $"{Details(id)}/delete/confirm");
        }
        _ = await backups.DeleteBackupAsync(id, cancellationToken).ConfigureAwait(false);
        return SeeOther(http, "/backups");
    }

    public async Task<IResult> ChangeScheduleAsync(HttpContext http, IScheduler scheduler, BackupOperations operations, string scheduleId, string change, CancellationToken cancellationToken)
    {
        await ValidateAsync(http).ConfigureAwait(false);
        _ = await scheduler.GetScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false) ?? throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.");
        switch (change)
        {
            case "enable":
                _ = await scheduler.EnableScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false);
                return SeeOther(http, "/schedules");
            case "disable":
                _ = await scheduler.DisableScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false);
                return SeeOther(http, "/schedules");
            default:
                var operation = operations.Start("schedule-run", async (_, ct) => await scheduler.ForceRunScheduleAsync(scheduleId, ct).ConfigureAwait(false));
                return SeeOther(http, $"/?operation={operation.Id}");
        }
    }

    // Checked here, not by UseAntiforgery(): the forms are read by hand, so the middleware would not know to check them.
    private static async Task<IFormCollection> ValidateAsync(HttpContext http)
    {
        await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http).ConfigureAwait(false);
        return await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static bool Confirmed(IFormCollection form) => string.Equals(form["confirmed"], "true", StringComparison.Ordinal);

    private static string Details(string id) => $"/backups/{Uri.EscapeDataString(id)}";

    private SeeOtherResult SeeOther(HttpContext http, string path) =>
        new SeeOtherResult($"{http.Request.PathBase}{prefix.TrimEnd('/')}{path}");

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
