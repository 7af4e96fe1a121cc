using System.Text.Encodings.Web;
using System.Text.Json;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>One backup: its manifest, its latest verify result, its files, and the actions on it.</summary>
internal static class BackupDetailsPage
{
    // Relaxed escaping keeps names readable (a table called "Straße"); the page's HTML encoding is what makes the text safe.
    private static readonly JsonSerializerOptions Indented = new(BackupApiJson.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<IResult> RenderAsync(DashboardContext context, BackupService backups, BackupOperations operations, string id, CancellationToken cancellationToken)
    {
        var manifest = await backups.GetBackupAsync(id, cancellationToken).ConfigureAwait(false);
        var path = $"/backups/{Uri.EscapeDataString(manifest.Id)}";
        // The manifest as the REST API returns it: it holds no connection string and no key (key ids only).
        var json = JsonSerializer.Serialize(manifest, Indented);
        var body = Html.Of($"""
            <section><h2>{DashboardFormat.Lower(manifest.Type)} backup {manifest.Id}</h2>
            <p><span class="status-{DashboardFormat.Lower(manifest.Status)}">{DashboardFormat.Lower(manifest.Status)}</span> · {manifest.Database} · {DashboardFormat.Time(manifest.StartedAt)} · {DashboardFormat.Duration(manifest.Duration)} · {DashboardFormat.Bytes(manifest.StoredBytes)} stored</p>
            {(manifest.Error is { } error ? Html.Of($"""<p class="bad" data-test="backup-error">{error}</p>""") : default)}
            {context.PostForm("verify", path + "/verify", "Verify")}
            <form method="get" action="{context.Url(path + "/restore/confirm")}" data-test="restore"><input name="targetDatabase" placeholder="new database name" required pattern="[A-Za-z_][A-Za-z0-9_$]*"><button type="submit" data-test="restore-submit">Restore to a new database…</button></form>
            <form method="get" action="{context.Url(path + "/delete/confirm")}" data-test="delete"><button type="submit" class="danger" data-test="delete-submit">Delete…</button></form>
            </section>
            {VerifyResult(operations, manifest.Id)}
            {Files(manifest.Files)}
            <section><h2>Manifest</h2><pre data-test="manifest">{json}</pre></section>
            """);
        return DashboardLayout.Page(context, "/backups", "Backup", body);
    }

    // Verify runs as an operation; the page shows the newest one of this backup while the process keeps it.
    private static RawHtml VerifyResult(BackupOperations operations, string id)
    {
        // A running verify has no result yet: it is this backup's by the id the action noted, not any verify at all.
        var operation = operations.List().FirstOrDefault(o => o.Kind == "verify" && o.Result is VerifyResult v && v.BackupId == id
            || o.Kind == "verify" && o.CompletedAt is null && o.BackupId == id);
        return operation switch
        {
            null => default,
            { Result: VerifyResult v } => Html.Of($"""
                <section><h2>Verify</h2><div data-test="verify-result" data-valid="{(v.IsValid ? "true" : "false")}">
                <p class="{(v.IsValid ? "ok" : "bad")}">{(v.IsValid ? "Valid" : "INVALID")} ({(v.Deep ? "deep" : "shallow")}), {DashboardFormat.Time(operation.CompletedAt)}</p>
                <table><tbody>{Html.Join(v.Checks.Select(c => Html.Of($"""<tr><td>{c.Name}</td><td class="{(c.Passed ? "ok" : "bad")}">{(c.Passed ? "passed" : "failed")}</td><td>{c.Detail}</td></tr>""")))}</tbody></table></div></section>
                """),
            _ => Html.Of($"""<section><h2>Verify</h2><p data-test="verify-running" class="state-running">A verify is running…</p></section>"""),
        };
    }

    private static RawHtml Files(FileBackupDetails? files) => files is null ? default : Html.Of($"""
        <section data-test="files"><h2>Files: {files.Name}</h2>
        <p>{files.FileCount} files, {files.DirectoryCount} directories, {files.SymlinkCount} links, {DashboardFormat.Bytes(files.FileBytes)}</p>
        <table><thead><tr><th>Root</th><th>Directory</th></tr></thead><tbody>{Html.Join(files.Roots.Select(r => Html.Of($"<tr><td>{r.Key}</td><td>{r.Value}</td></tr>")))}</tbody></table>
        {(files.ExcludePatterns.Count > 0 ? Html.Of($"<p>Excluded: {string.Join(", ", files.ExcludePatterns)}</p>") : default)}
        {Html.Join(files.Warnings.Select(w => Html.Of($"""<p class="bad">{w}</p>""")))}
        </section>
        """);
}
