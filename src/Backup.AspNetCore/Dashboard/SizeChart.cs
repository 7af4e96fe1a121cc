using System.Globalization;
using Backup.Core.Catalog;

namespace Backup.AspNetCore.Dashboard;

/// <summary>
/// Sizes (bars) and durations (a line) of the latest completed backups, as inline SVG drawn on the
/// server: no script, no chart library. Each has its own scale, named on its side.
/// </summary>
internal static class SizeChart
{
    private const int Width = 800;
    private const int Height = 220;
    private const int Left = 60;
    private const int Right = 60;
    private const int Top = 16;
    private const int Bottom = 30;

    public static RawHtml Render(IReadOnlyList<BackupManifest> backups, int count = 40)
    {
        var points = backups.Where(b => b.Status == BackupStatus.Completed && b.CompletedAt is not null)
            .OrderBy(b => b.StartedAt).TakeLast(count).ToList();
        if (points.Count == 0)
        {
            return Html.Of($"""<div data-test="chart" class="chart muted">No completed backup to chart yet.</div>""");
        }
        var maxBytes = Math.Max(1, points.Max(b => b.StoredBytes));
        var maxSeconds = Math.Max(0.001, points.Max(b => b.Duration!.Value.TotalSeconds));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var slot = (double)plotWidth / points.Count;
        var bars = new Html();
        var line = new List<string>();
        for (var i = 0; i < points.Count; i++)
        {
            var b = points[i];
            var barHeight = plotHeight * b.StoredBytes / (double)maxBytes;
            var x = Left + (i * slot);
            var seconds = b.Duration!.Value.TotalSeconds;
            bars.Append($"""<rect x="{N(x + (slot * 0.15))}" y="{N(Top + plotHeight - barHeight)}" width="{N(slot * 0.7)}" height="{N(barHeight)}" fill="#8fb0ea" data-backup-id="{b.Id}"><title>{b.Id}: {DashboardFormat.Bytes(b.StoredBytes)}, {DashboardFormat.Duration(b.Duration)}</title></rect>""");
            line.Add($"{N(x + (slot / 2))},{N(Top + plotHeight - (plotHeight * seconds / maxSeconds))}");
        }
        var first = DashboardFormat.Time(points[0].StartedAt);
        var last = DashboardFormat.Time(points[^1].StartedAt);
        return Html.Of($"""
            <div class="chart" data-test="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {Width} {Height}" role="img" aria-label="Stored size and duration of the latest {points.Count} backups">
            <line x1="{Left}" y1="{Top + plotHeight}" x2="{Width - Right}" y2="{Top + plotHeight}" stroke="#999"/>
            {bars.ToHtml()}
            <polyline points="{string.Join(' ', line)}" fill="none" stroke="#b3261e" stroke-width="2" data-test="chart-durations"/>
            <text x="4" y="{Top + 10}" font-size="11" fill="#2458c6">{DashboardFormat.Bytes(maxBytes)}</text>
            <text x="{Width - Right + 4}" y="{Top + 10}" font-size="11" fill="#b3261e">{DashboardFormat.Duration(TimeSpan.FromSeconds(maxSeconds))}</text>
            <text x="{Left}" y="{Height - 8}" font-size="11" fill="#555">{first}</text>
            <text x="{Width - Right}" y="{Height - 8}" font-size="11" fill="#555" text-anchor="end">{last}</text>
            </svg><div class="muted">Bars: stored size (left scale). Line: duration (right scale).</div></div>
            """);
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
