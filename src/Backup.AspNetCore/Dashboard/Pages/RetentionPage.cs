using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Retention;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>Retention's plan as a dry run: what the next cleanup would delete and why, and what it keeps.</summary>
internal static class RetentionPage
{
    public static async Task<IResult> RenderAsync(DashboardContext context, BackupService backups, CancellationToken cancellationToken)
    {
        // The scheduled cleanup keeps each schedule's backups for that schedule's own days; without
        // them the plan would list backups the cleanup keeps. The scheduler is optional in a host.
        var scheduler = context.Http.RequestServices.GetService<IScheduler>();
        var days = scheduler is null ? null : await RetentionDaysBySchedule(scheduler, cancellationToken).ConfigureAwait(false);
        var plan = await backups.CleanupOldBackupsAsync(dryRun: true, days, cancellationToken).ConfigureAwait(false);
        var body = Html.Of($"""
            <section data-test="retention-plan"><h2>Would be deleted ({plan.Deleted.Count})</h2>
            {(plan.Deleted.Count == 0 ? Html.Of($"""<p class="muted">Nothing: every backup is kept.</p>""") : Table("retention-row", plan.Deleted))}
            {(plan.OrphanedObjects.Count > 0 ? Html.Of($"""<p>{plan.OrphanedObjects.Count} stored objects belong to no backup and would be removed.</p>""") : default)}
            </section>
            <section><h2>Kept ({plan.Kept.Count})</h2>{Table("retention-kept-row", plan.Kept)}</section>
            """);
        return DashboardLayout.Page(context, "/retention", "Retention plan (dry run)", body);
    }

    // As the scheduler hands them to ScheduledBackupRunner: every schedule with its own days, disabled ones too.
    private static async Task<IReadOnlyDictionary<string, int>> RetentionDaysBySchedule(IScheduler scheduler, CancellationToken cancellationToken) =>
        await scheduler.ListSchedulesAsync(cancellationToken)
            .Where(s => s.Options.RetentionDays is not null)
            .ToDictionaryAsync(s => s.Id, s => s.Options.RetentionDays!.Value, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);

    private static RawHtml Table(string test, IReadOnlyList<RetentionDecision> decisions) => Html.Of($"""
        <table><thead><tr><th>Backup</th><th>Type</th><th>Started</th><th>Why</th></tr></thead><tbody>
        {Html.Join(decisions.Select(d => Html.Of($"""<tr data-test="{test}" data-backup-id="{d.Backup.Id}"><td>{d.Backup.Id}</td><td>{DashboardFormat.Lower(d.Backup.Type)}</td><td>{DashboardFormat.Time(d.Backup.StartedAt)}</td><td data-test="reason">{d.Reason}</td></tr>""")))}
        </tbody></table>
        """);
}
