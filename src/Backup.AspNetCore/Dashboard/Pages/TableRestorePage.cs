using Backup.Core.Operations;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>
/// Restore tables: the form (tables, moment, schema) that restores them beside the live ones, and, for an
/// operation it started, what was restored, the comparison counts, the copy-back SQL and the way to the
/// copy-back's confirmation; for a copy-back operation, the rows written.
/// </summary>
internal static class TableRestorePage
{
    public static IResult Render(DashboardContext context, BackupOperations operations, string? operationId)
    {
        var operation = operationId is null ? null : operations.Get(operationId);
        var shown = operation switch
        {
            null when operationId is not null => Html.Of($"""<section class="error"><p>There is no operation '{operationId}' (operations are kept in memory until the host restarts).</p></section>"""),
            null => default,
            { Kind: not (TableRestoreOperations.Kind or TableRestoreOperations.ApplyKind) } => Html.Of($"""<section class="error"><p>The operation '{operation.Id}' is no table restore.</p></section>"""),
            { Status: "running" } => Html.Of($"""<section class="notice" data-test="table-restore-running"><p class="state-running">Running: {operation.Phase}. Reload this page to see the result.</p></section>"""),
            { Status: "failed" } => Html.Of($"""<section class="error" data-test="table-restore-error"><p class="bad">{operation.Error?.Title}: {operation.Error?.Detail}</p></section>"""),
            { Result: TableRestoreResponse response } => Restored(context, operation.Id, response),
            { Result: TableRestoreApplyResponse applied } => Applied(applied),
            _ => default,
        };
        var form = context.PostForm("restore-tables", "/tables/restore", "Restore beside the live tables", Html.Of($"""
            <label>Tables <input name="tables" required placeholder="sales.orders, sales.customers" size="40"></label>
            <label>As of <input name="at" placeholder="2026-11-30T09:41:00Z (empty: latest)" size="30"></label>
            <label>New schema <input name="targetSchema" placeholder="restored_&lt;UTC time&gt;" pattern="[A-Za-z_][A-Za-z0-9_]*"></label>
            """));
        var body = Html.Of($"""
            {shown}
            <section><p class="muted">Restores the chosen tables as they were at a moment into a new schema of the live database, without touching or locking the live tables, then compares them by primary key. Copying back is a separate, confirmed step.</p>{form}</section>
            """);
        return DashboardLayout.Page(context, "/tables", "Restore tables", body);
    }

    private static RawHtml Restored(DashboardContext context, string operationId, TableRestoreResponse response)
    {
        var r = response.Restore;
        var exactness = r.ExactToTransaction
            ? "exact to the transaction"
            : "to the last incremental at or before the moment (timestamp mode): rows deleted after the full backup may still be in the copies";
        var tables = Html.Join(r.Tables.Select(t => Html.Of($"""<li>{t.Source} → {t.Restored} ({t.Rows:N0} rows)</li>""")));
        var caveats = Html.Join(r.Caveats.Select(c => Html.Of($"""<li>{c}</li>""")));
        var summary = Html.Of($"""
            <p data-test="table-restore-summary">Restored into {(r.TargetSchema is null ? "the new database" : "the schema")} <b>{r.TargetSchema ?? r.TargetDatabase}</b> beside <b>{r.Database}</b>, as of {DashboardFormat.Time(r.At)} (reached {DashboardFormat.Time(r.Reached)}), {exactness}.</p>
            <ul>{tables}</ul><details><summary>Caveats</summary><ul>{caveats}</ul></details>
            """);
        if (response.Comparison is not { } comparison)
        {
            return Html.Of($"""<section data-test="table-restore-result">{summary}</section>""");
        }
        var rows = Html.Join(comparison.Tables.Select(t => Html.Of($"""
            <tr data-test="comparison-row" data-table="{t.Source}" data-only-in-live="{t.OnlyInLive}" data-only-in-restored="{t.OnlyInRestored}" data-changed="{t.Changed}">
            <td>{t.Source}</td><td>{t.OnlyInLive:N0}</td><td>{t.OnlyInRestored:N0}</td><td>{(t.HasPrimaryKey ? t.Changed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "- (no primary key)")}</td></tr>
            """)));
        var apply = comparison.Sql.Length == 0
            ? Html.Of($"""<p class="muted">Nothing to copy back.</p>""")
            : Html.Of($"""<form method="get" action="{context.Url("/tables/apply/confirm")}" data-test="copy-back"><input type="hidden" name="operation" value="{operationId}"><button type="submit" class="danger" data-test="copy-back-submit">Copy back…</button></form>""");
        return Html.Of($"""
            <section data-test="table-restore-result">{summary}
            <table><thead><tr><th>Table</th><th>Only in live (kept)</th><th>Only in restored (inserted)</th><th>Changed (set back)</th></tr></thead><tbody>{rows}</tbody></table>
            <details><summary>Copy-back SQL (not run)</summary><pre data-test="copy-back-sql">{comparison.Sql}</pre></details>
            {apply}</section>
            """);
    }

    private static RawHtml Applied(TableRestoreApplyResponse applied) => Html.Of($"""
        <section class="notice" data-test="table-apply-result"><p class="ok">Copied back in one transaction.</p><ul>{Html.Join(applied.Written.Select(w => Html.Of($"""<li data-test="written" data-table="{w.Key}" data-rows="{w.Value}">{w.Key}: {w.Value:N0} rows written</li>""")))}</ul></section>
        """);
}
