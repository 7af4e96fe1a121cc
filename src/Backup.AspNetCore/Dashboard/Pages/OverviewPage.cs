using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>The overview: latest backup, running operations (live), recovery window per chain, slot lag, backup now, the chart.</summary>
internal static class OverviewPage
{
    public static async Task<IResult> RenderAsync(DashboardContext context, BackupService backups, BackupOperations operations, CancellationToken cancellationToken)
    {
        var status = await backups.GetBackupStatusAsync(cancellationToken).ConfigureAwait(false);
        var all = await backups.ListBackupsAsync(new BackupQuery { Limit = 500 }, cancellationToken).ConfigureAwait(false);
        var latest = status.LatestBackup is { } b
            ? Html.Of($"""<a href="{context.Url($"/backups/{Uri.EscapeDataString(b.Id)}")}" data-backup-id="{b.Id}">{b.Id}</a> · {DashboardFormat.Lower(b.Type)} · <span class="status-{DashboardFormat.Lower(b.Status)}">{DashboardFormat.Lower(b.Status)}</span> · {DashboardFormat.Time(b.CompletedAt ?? b.StartedAt)} · {DashboardFormat.Bytes(b.StoredBytes)}""")
            : Html.Of($"""<span class="muted">No backup yet.</span>""");
        var body = new Html().Append($"""
            <section><h2>Latest backup</h2><div data-test="latest-backup">{latest}</div>
            <p class="muted">{status.TotalBackups} backups, {status.FailedBackups} failed.</p>
            {context.PostForm("backup-now", "/actions/backup-now", "Back up now (full)")}</section>
            <section><h2>Running operations</h2><div data-test="running-operations" data-refresh-url="{context.Url("/fragments/running")}">{RunningOperations.Render(context, operations)}</div></section>
            <section><h2>Recovery window</h2>{RecoveryWindows(all, status.RecoverableUntil)}</section>
            {SlotLag(status.Slots)}
            <section><h2>Sizes and durations</h2>{SizeChart.Render(all)}</section>
            """);
        return DashboardLayout.Page(context, "", "Overview", body.ToHtml());
    }

    // Per chain (a full backup and the incrementals on it): from the full's snapshot to the last commit its chain holds.
    private static RawHtml RecoveryWindows(IReadOnlyList<BackupManifest> all, DateTimeOffset? recoverableUntil)
    {
        var completed = all.Where(b => b.Status == BackupStatus.Completed && b.Type != BackupType.Files).ToList();
        var chains = completed.Where(b => b.Type == BackupType.Full)
            .Select(full =>
            {
                var chainId = full.ChainId ?? full.Id;
                var members = completed.Where(m => (m.ChainId ?? m.Id) == chainId).ToList();
                var from = full.SnapshotAt ?? full.CompletedAt;
                var until = members.Max(m => m.LastCommitAt ?? m.SnapshotAt ?? m.CompletedAt);
                return (chainId, from, until, count: members.Count(m => m.Type == BackupType.Incremental));
            })
            .OrderByDescending(c => c.from).ToList();
        if (chains.Count == 0)
        {
            return Html.Of($"""<p class="muted">No chain: nothing to recover to yet.</p>""");
        }
        var rows = Html.Join(chains.Select(c => Html.Of($"""<tr data-test="recovery-window" data-chain-id="{c.chainId}"><td>{c.chainId}</td><td>{DashboardFormat.Time(c.from)}</td><td>{DashboardFormat.Time(c.until)}</td><td>{c.count}</td></tr>""")));
        return Html.Of($"""<p>Recoverable until <strong data-test="recoverable-until">{DashboardFormat.Time(recoverableUntil)}</strong>.</p><table><thead><tr><th>Chain</th><th>From</th><th>Until</th><th>Incrementals</th></tr></thead><tbody>{rows}</tbody></table>""");
    }

    private static RawHtml SlotLag(IReadOnlyList<Backup.Core.Operations.SlotStatus> slots)
    {
        if (slots.Count == 0)
        {
            return default;
        }
        var rows = Html.Join(slots.Select(s => Html.Of($"""<tr data-slot="{s.Name}"><td>{s.Name}</td><td>{DashboardFormat.Bytes(s.RetainedWalBytes)}</td><td>{(s.Active ? "active" : "inactive")}</td></tr>""")));
        return Html.Of($"""<section><h2>Replication slots</h2><table data-test="slot-lag"><thead><tr><th>Slot</th><th>WAL retained</th><th>State</th></tr></thead><tbody>{rows}</tbody></table></section>""");
    }
}
