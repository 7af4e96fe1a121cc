using Backup.AspNetCore;
using Backup.AspNetCore.Dashboard;
using Backup.AspNetCore.Dashboard.Pages;
using Backup.Core;
using Backup.Core.Abstractions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>app.MapBackupDashboard("/backup")</c>: server-rendered pages over the backups, with the REST API's actions and policies.</summary>
public static class BackupDashboard
{
    /// <summary>Registers what the dashboard needs: the API's operations (<see cref="BackupEndpoints.AddBackupEndpoints"/>) and antiforgery for its forms.</summary>
    public static IServiceCollection AddBackupDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddBackupEndpoints();
        services.AddAntiforgery();
        return services;
    }

    /// <summary>
    /// Maps the pages under <paramref name="prefix"/>. Every page needs <see cref="BackupDashboardOptions.ReadPolicy"/> and
    /// every form its capability's policy (<see cref="BackupDashboardOptions.AuthorizationPolicy"/> or the host's default
    /// policy when unset) unless <see cref="BackupDashboardOptions.AllowAnonymous"/> is set; forms carry an antiforgery token.
    /// Needs <see cref="AddBackupDashboard"/>, and the host's UseAuthentication/UseAuthorization.
    /// </summary>
    public static RouteGroupBuilder MapBackupDashboard(this IEndpointRouteBuilder app, string prefix = "/backup", Action<BackupDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (app.ServiceProvider.GetService<IAntiforgery>() is null || app.ServiceProvider.GetService<BackupOperations>() is null)
        {
            throw new InvalidOperationException("MapBackupDashboard needs services.AddBackupDashboard() (operations and antiforgery for its forms).");
        }
        var options = new BackupDashboardOptions();
        configure?.Invoke(options);
        var dashboard = app.MapGroup(prefix);
        dashboard.AddEndpointFilter(DashboardErrors.Filter(prefix, options));
        RouteGroupBuilder Capability(string? policy) => CapabilityGroups.Under(dashboard, options.AllowAnonymous, policy, options.AuthorizationPolicy);
        DashboardContext Context(HttpContext http) => new(http, prefix, options);

        // No data in them: a login page of the host may use them too.
        dashboard.MapGet("/assets/{name}", (string name) => DashboardAssets.Serve(name)).AllowAnonymous();

        var read = Capability(options.ReadPolicy);
        read.MapGet("/", (HttpContext http, BackupService s, BackupOperations ops, CancellationToken ct) => OverviewPage.RenderAsync(Context(http), s, ops, ct));
        read.MapGet("/fragments/running", (HttpContext http, BackupOperations ops) => DashboardLayout.Fragment(RunningOperations.Render(Context(http), ops)));
        read.MapGet("/backups", (HttpContext http, BackupService s, string? type, string? status, CancellationToken ct) => BackupListPage.RenderAsync(Context(http), s, type, status, ct));
        read.MapGet("/backups/{id}", (HttpContext http, BackupService s, BackupOperations ops, string id, CancellationToken ct) => BackupDetailsPage.RenderAsync(Context(http), s, ops, id, ct));
        read.MapGet("/schedules", (HttpContext http, IScheduler sc, CancellationToken ct) => SchedulesPage.RenderAsync(Context(http), sc, ct));
        read.MapGet("/retention", (HttpContext http, BackupService s, CancellationToken ct) => RetentionPage.RenderAsync(Context(http), s, ct));
        read.MapGet("/tables", (HttpContext http, BackupOperations ops, string? operation) => TableRestorePage.Render(Context(http), ops, operation));
        read.MapGet("/drills", (HttpContext http, BackupService s, CancellationToken ct) => DrillsPage.RenderAsync(Context(http), s, ct));

        var actions = new DashboardActions(prefix);
        var backup = Capability(options.BackupPolicy);
        backup.MapPost("/actions/backup-now", (HttpContext http, BackupService s, BackupOperations ops) => actions.BackupNowAsync(http, s, ops));
        backup.MapPost("/backups/{id}/verify", (HttpContext http, BackupService s, BackupOperations ops, string id, CancellationToken ct) => actions.VerifyAsync(http, s, ops, id, ct));

        var restore = Capability(options.RestorePolicy);
        restore.MapGet("/backups/{id}/restore/confirm", async (HttpContext http, BackupService s, string id, string? targetDatabase, CancellationToken ct) =>
        {
            var manifest = await s.GetBackupAsync(id, ct).ConfigureAwait(false);
            return ConfirmPage.Render(Context(http), "Restore", $"Restore backup {manifest.Id} of {manifest.Database} into a new database '{targetDatabase}'?",
                $"/backups/{Uri.EscapeDataString(manifest.Id)}/restore", Backup.AspNetCore.Dashboard.Html.Of($"""<input type="hidden" name="targetDatabase" value="{targetDatabase}">"""));
        });
        restore.MapPost("/tables/restore", (HttpContext http, BackupService s, BackupOperations ops) => actions.RestoreTablesAsync(http, s, ops));
        restore.MapPost("/backups/{id}/restore", (HttpContext http, BackupService s, BackupOperations ops, string id, CancellationToken ct) => actions.RestoreAsync(http, s, ops, id, ct));

        var destructive = Capability(options.DestructivePolicy);
        destructive.MapGet("/backups/{id}/delete/confirm", async (HttpContext http, BackupService s, string id, CancellationToken ct) =>
        {
            var manifest = await s.GetBackupAsync(id, ct).ConfigureAwait(false);
            return ConfirmPage.Render(Context(http), "Delete", $"Delete {manifest.Type.ToString().ToLowerInvariant()} backup {manifest.Id} of {manifest.Database} from the store? This cannot be undone.",
                $"/backups/{Uri.EscapeDataString(manifest.Id)}/delete");
        });
        destructive.MapGet("/tables/apply/confirm", (HttpContext http, BackupOperations ops, string? operation) =>
        {
            var restored = TableRestoreOperations.Restored(ops, operation ?? "");
            return ConfirmPage.Render(Context(http), "Copy back",
                $"Copy the restored rows of {string.Join(", ", restored.Tables.Select(t => t.Source))} from the schema '{restored.TargetSchema}' back into the live database '{restored.Database}'? "
                + "They are compared again first; missing rows are inserted and changed rows set to the restored values in one transaction, rows written since are kept, the live tables' triggers fire.",
                "/tables/apply", Backup.AspNetCore.Dashboard.Html.Of($"""<input type="hidden" name="operation" value="{operation}">"""));
        });
        destructive.MapPost("/tables/apply", (HttpContext http, BackupService s, BackupOperations ops) => actions.ApplyTablesAsync(http, s, ops));
        destructive.MapPost("/backups/{id}/delete", (HttpContext http, BackupService s, string id, CancellationToken ct) => actions.DeleteAsync(http, s, id, ct));

        var schedules = Capability(options.SchedulesPolicy);
        schedules.MapPost("/schedules/{scheduleId}/{change:regex(^(enable|disable|run)$)}", (HttpContext http, IScheduler sc, BackupOperations ops, string scheduleId, string change, CancellationToken ct) =>
            actions.ChangeScheduleAsync(http, sc, ops, scheduleId, change, ct));
        return dashboard;
    }
}
