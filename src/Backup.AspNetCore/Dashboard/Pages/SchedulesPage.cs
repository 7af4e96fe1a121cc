using Backup.Core.Abstractions;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>
/// The schedules: cron, next run, last result, and enable/disable/run. A failed run's result is the
/// exception's own message (host and port, paths): like the REST API's problems, the page says only
/// that it failed and leaves the message to the server log, where the scheduler wrote it.
/// </summary>
internal static class SchedulesPage
{
    public static async Task<IResult> RenderAsync(DashboardContext context, IScheduler scheduler, CancellationToken cancellationToken)
    {
        var schedules = await scheduler.ListSchedulesAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var states = scheduler.GetDetailedStatus().Schedules.ToDictionary(s => s.Schedule.Id, StringComparer.Ordinal);
        var rows = Html.Join(schedules.Select(s =>
        {
            var state = states.GetValueOrDefault(s.Id);
            var path = $"/schedules/{Uri.EscapeDataString(s.Id)}";
            var last = state?.State is { LastStartedAt: not null } run
                ? Html.Of($"""<span class="{(run.LastSucceeded == true ? "ok" : "bad")}">{(run.LastSucceeded == true ? "succeeded" : "failed")}</span> {DashboardFormat.Time(run.LastStartedAt)} {ScheduleRunText.Result(run)}""")
                : Html.Of($"""<span class="muted">never ran</span>""");
            return Html.Of($"""
                <tr data-test="schedule-row" data-schedule-id="{s.Id}" data-enabled="{(s.Enabled ? "true" : "false")}">
                <td>{s.Name}<div class="muted">{s.Id}</div></td><td>{DashboardFormat.Lower(s.Type)}</td><td><code>{s.CronExpression}</code> {s.TimeZone}</td>
                <td data-test="next-run">{(s.Enabled ? DashboardFormat.Time(state?.NextRun) : "disabled")}</td><td data-test="last-result">{last}<div class="bad">{Problem(state)}</div></td>
                <td>{(s.Enabled ? context.PostForm("schedule-disable", path + "/disable", "Disable") : context.PostForm("schedule-enable", path + "/enable", "Enable"))}{context.PostForm("schedule-run", path + "/run", "Run now")}</td></tr>
                """);
        }));
        var body = schedules.Count == 0
            ? Html.Of($"""<section><p class="muted">No schedule. Create them with the REST API (POST schedules) or in code.</p></section>""")
            : Html.Of($"""<section><table><thead><tr><th>Schedule</th><th>Type</th><th>Cron</th><th>Next run</th><th>Last result</th><th></th></tr></thead><tbody>{rows}</tbody></table></section>""");
        return DashboardLayout.Page(context, "/schedules", "Schedules", body);
    }

    private static string? Problem(ScheduleStatus? state) => ScheduleRunText.Problem(state);
}
