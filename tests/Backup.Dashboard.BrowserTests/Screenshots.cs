namespace Backup.Dashboard.BrowserTests;

/// <summary>
/// Where the screenshots go: BACKUP_TEST_SCREENSHOTS (scripts/test.sh points it into
/// .cache/test-results/screenshots), else a folder next to the test assembly.
/// </summary>
internal static class Screenshots
{
    public static string Directory { get; } = Create();

    private static string Create()
    {
        var path = Environment.GetEnvironmentVariable("BACKUP_TEST_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
