namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>
/// The operations of this process: the running ones with their progress, and the recent results
/// (a fast backup may end before the page that started it loads). Also served alone as a fragment the script polls.
/// </summary>
internal static class RunningOperations
{
    public static RawHtml Render(DashboardContext context, BackupOperations operations)
    {
        var all = operations.List();
        var running = all.Where(o => o.CompletedAt is null).ToList();
        var recent = all.Where(o => o.CompletedAt is not null).Take(10).ToList();
        var runningHtml = running.Count == 0
            ? Html.Of($"""<p class="muted">Nothing is running.</p>""")
            : Html.Join(running.Select(o => Html.Of($"""<div data-test="running-operation" data-operation-id="{o.Id}" data-state="{o.Status}"><strong>{o.Kind}</strong> · <span class="state-running">{o.Status}</span> · {o.Phase ?? "starting"} · <span data-test="progress-bytes">{DashboardFormat.Bytes(o.Bytes)}</span> since {DashboardFormat.Time(o.StartedAt)}</div>""")));
        var recentHtml = recent.Count == 0 ? default : Html.Of($"""<h3>Recently finished</h3><ul data-test="recent-operations">{Html.Join(recent.Select(o => Recent(context, o)))}</ul>""");
        return Html.Of($"{runningHtml}{recentHtml}");
    }

    private static RawHtml Recent(DashboardContext context, BackupOperation o)
    {
        var result = o.Result switch
        {
            Backup.Core.Catalog.BackupManifest m => Html.Of($"""<a href="{context.Url($"/backups/{Uri.EscapeDataString(m.Id)}")}">{m.Id}</a>"""),
            Backup.Core.Operations.VerifyResult v => Html.Of($"verify of {v.BackupId}: {(v.IsValid ? "valid" : "INVALID")}"),
            _ => default,
        };
        return Html.Of($"""<li data-test="recent-operation" data-operation-id="{o.Id}" data-state="{o.Status}">{o.Kind} · <span class="state-{o.Status}">{o.Status}</span> at {DashboardFormat.Time(o.CompletedAt)} {result} <span class="bad">{o.Error?.Detail}</span></li>""");
    }
}
