using Backup.Core;
using Backup.Core.Retention;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>Retention's plan as a dry run: what the next cleanup would delete and why, and what it keeps.</summary>
internal static class RetentionPage
{
    public static async Task<IResult> RenderAsync(DashboardContext context, BackupService backups, CancellationToken cancellationToken)
    {
        var plan = await backups.CleanupOldBackupsAsync(dryRun: true, null, cancellationToken).ConfigureAwait(false);
        var body = Html.Of($"""
            <section data-test="retention-plan"><h2>Would be deleted ({plan.Deleted.Count})</h2>
            {(plan.Deleted.Count == 0 ? Html.Of($"""<p class="muted">Nothing: every backup is kept.</p>""") : Table("retention-row", plan.Deleted))}
            {(plan.OrphanedObjects.Count > 0 ? Html.Of($"""<p>{plan.OrphanedObjects.Count} stored objects belong to no backup and would be removed.</p>""") : default)}
            </section>
            <section><h2>Kept ({plan.Kept.Count})</h2>{Table("retention-kept-row", plan.Kept)}</section>
            """);
        return DashboardLayout.Page(context, "/retention", "Retention plan (dry run)", body);
    }

    private static RawHtml Table(string test, IReadOnlyList<RetentionDecision> decisions) => Html.Of($"""
        <table><thead><tr><th>Backup</th><th>Type</th><th>Started</th><th>Why</th></tr></thead><tbody>
        {Html.Join(decisions.Select(d => Html.Of($"""<tr data-test="{test}" data-backup-id="{d.Backup.Id}"><td>{d.Backup.Id}</td><td>{DashboardFormat.Lower(d.Backup.Type)}</td><td>{DashboardFormat.Time(d.Backup.StartedAt)}</td><td data-test="reason">{d.Reason}</td></tr>""")))}
        </tbody></table>
        """);
}
