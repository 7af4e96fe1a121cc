using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard.Pages;

/// <summary>The backups, newest first, filtered by type and status.</summary>
internal static class BackupListPage
{
    public static async Task<IResult> RenderAsync(DashboardContext context, BackupService backups, string? type, string? status, CancellationToken cancellationToken)
    {
        var typeFilter = Parse<BackupType>(type);
        var statusFilter = Parse<BackupStatus>(status);
        var list = await backups.ListBackupsAsync(new BackupQuery { Type = typeFilter, Status = statusFilter, Limit = 500 }, cancellationToken).ConfigureAwait(false);
        var rows = Html.Join(list.Select(b => Html.Of($"""
            <tr data-test="backup-row" data-backup-id="{b.Id}" data-status="{DashboardFormat.Lower(b.Status)}" data-type="{DashboardFormat.Lower(b.Type)}">
            <td><a href="{context.Url($"/backups/{Uri.EscapeDataString(b.Id)}")}">{b.Id}</a></td><td>{DashboardFormat.Lower(b.Type)}</td>
            <td class="status-{DashboardFormat.Lower(b.Status)}">{DashboardFormat.Lower(b.Status)}</td><td>{b.Database}</td>
            <td>{DashboardFormat.Time(b.StartedAt)}</td><td>{DashboardFormat.Duration(b.Duration)}</td><td>{DashboardFormat.Bytes(b.StoredBytes)}</td><td>{b.Comment}</td></tr>
            """)));
        var body = Html.Of($"""
            <section><form method="get" action="{context.Url("/backups")}" data-test="filters">
            <label>Type {Select("type", typeFilter)}</label> <label>Status {Select("status", statusFilter)}</label> <button type="submit">Filter</button></form></section>
            <section><table><thead><tr><th>Id</th><th>Type</th><th>Status</th><th>Database</th><th>Started</th><th>Duration</th><th>Stored</th><th>Comment</th></tr></thead>
            <tbody>{rows}</tbody></table>{(list.Count == 0 ? "No backup matches." : "")}</section>
            """);
        return DashboardLayout.Page(context, "/backups", "Backups", body);
    }

    private static RawHtml Select<TEnum>(string name, TEnum? selected)
        where TEnum : struct, Enum
    {
        var options = Html.Join(Enum.GetValues<TEnum>().Select(v => Html.Of($"""<option value="{DashboardFormat.Lower(v)}"{(v.Equals(selected) ? new RawHtml(" selected") : default)}>{DashboardFormat.Lower(v)}</option>""")));
        return Html.Of($"""<select name="{name}"><option value="">any</option>{options}</select>""");
    }

    private static TEnum? Parse<TEnum>(string? value)
        where TEnum : struct, Enum =>
        string.IsNullOrEmpty(value) ? null
        : Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
        : throw new ArgumentException($"'{value}' is not a {typeof(TEnum).Name}; use one of: {string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.", nameof(value));
}
