using Backup.Core;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>The restore drills, newest first, with the recovery time each measured (its RTO).</summary>
internal static class DrillsPage
{
    public static async Task<IResult> RenderAsync(DashboardContext context, BackupService backups, CancellationToken cancellationToken)
    {
        var drills = await backups.ListDrillsAsync(100, cancellationToken).ConfigureAwait(false);
        var rows = Html.Join(drills.Select(d => Html.Of($"""
            <tr data-test="drill-row" data-drill-id="{d.Id}" data-success="{(d.Success ? "true" : "false")}">
            <td>{DashboardFormat.Time(d.StartedAt)}</td><td class="{(d.Success ? "ok" : "bad")}">{(d.Success ? "passed" : "failed")}<div>{d.Error}</div></td>
            <td data-test="rto">{DashboardFormat.Duration(TimeSpan.FromSeconds(d.TotalSeconds))}</td>
            <td>restore {DashboardFormat.Duration(TimeSpan.FromSeconds(d.Phases.RestoreSeconds))}, replay {DashboardFormat.Duration(TimeSpan.FromSeconds(d.Phases.ReplaySeconds))}, verify {DashboardFormat.Duration(TimeSpan.FromSeconds(d.Phases.VerifySeconds))}</td>
            <td>{DashboardFormat.Bytes(d.Bytes)}</td><td>{string.Join(", ", d.BackupIds)}</td><td>{d.ScheduleId}</td></tr>
            """)));
        var body = drills.Count == 0
            ? Html.Of($"""<section><p class="muted">No drill has run. A drill restores the latest backup into a scratch database and measures how long it takes.</p></section>""")
            : Html.Of($"""<section><table><thead><tr><th>Started</th><th>Result</th><th>RTO</th><th>Phases</th><th>Restored</th><th>Backups</th><th>Schedule</th></tr></thead><tbody>{rows}</tbody></table></section>""");
        return DashboardLayout.Page(context, "/drills", "Drills", body);
    }
}
