using System.Diagnostics;
using Backup.Core.Catalog;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Parts;

/// <summary>What the tests of backups taken in parts share: a service that copies tables over 32 KB as parts and splits those over ~1.25 MB.</summary>
internal static class PartsTestSupport
{
    public static ServiceProvider Build(string database, string store, string key, int jobs = 2, int partMegabytes = 1, bool changeCapture = false) =>
        Services.Build(TestServer.ConnectionString(database), store, key, b => b.UsePostgres(TestServer.ConnectionString(database), o =>
        {
            o.ToolsDirectory = TestServer.ToolsDirectory;
            o.Jobs = jobs;
            o.PartSizeMegabytes = partMegabytes;
            o.ChangeCapture = changeCapture;
        }));

    /// <summary>The table's parts in page order; fails when it did not go through the parts path at all.</summary>
    public static List<TableDataPart> PartsOf(BackupManifest manifest, string table, int atLeast = 1)
    {
        var parts = manifest.Parts.Where(p => p.Table == table).OrderBy(p => p.FirstPage ?? 0).ToList();
        Xunit.Assert.True(parts.Count >= atLeast, $"{table} in {parts.Count} part(s), expected at least {atLeast}; parts: {string.Join(", ", manifest.Parts.Select(p => p.Table).Distinct())}");
        return parts;
    }

    public static async Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGPASSWORD"] = TestServer.Password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Xunit.Assert.True(process.ExitCode == 0, $"{tool} failed: {await error}");
        return await output;
    }
}
