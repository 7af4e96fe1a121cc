using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore.Dashboard;

/// <summary>The stylesheet and the script, embedded in the assembly: the dashboard needs no CDN and no files on disk.</summary>
internal static class DashboardAssets
{
    private static readonly Dictionary<string, (byte[] Content, string Type)> Files = new(StringComparer.Ordinal)
    {
        ["dashboard.css"] = (Read("dashboard.css"), "text/css; charset=utf-8"),
        ["dashboard.js"] = (Read("dashboard.js"), "text/javascript; charset=utf-8"),
    };

    public static IResult Serve(string name) => Files.TryGetValue(name, out var file)
        ? Results.Bytes(file.Content, file.Type)
        : Results.NotFound();

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream($"Backup.AspNetCore.Dashboard.Assets.{name}")
            ?? throw new InvalidOperationException($"The dashboard's embedded resource '{name}' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
