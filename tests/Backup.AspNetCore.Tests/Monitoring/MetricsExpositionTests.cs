using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Backup.Core;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TestServer = Backup.TestSupport.TestServer;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace Backup.AspNetCore.Tests.Monitoring;

/// <summary>
/// The sample host's documented metrics wiring (OpenTelemetry's Prometheus exporter) against a real
/// PostgreSQL: the exposition text, line by line.
/// </summary>
[Collection(MetricsRunAlone.Name)]
public sealed class MetricsExpositionTests : IAsyncLifetime, IDisposable
{
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private readonly string _database = "it_metrics_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 500) g");
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
    }

    public async Task DisposeAsync() => await TestServer.DropDatabaseAsync(_database);

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Exposition_HasTheDocumentedNames_TypedAndValuedExactly()
    {
        await using var host = Host();
        var before = await ScrapeLoadedAsync(host);
        var backups = host.Services.GetRequiredService<BackupService>();

        var full = await backups.CreateFullBackupAsync(new FullBackupOptions());
        // A cancelled backup is recorded as a failed one: the first failure of this process.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backups.CreateFullBackupAsync(new FullBackupOptions(), cancellationToken: new CancellationToken(canceled: true)));
        var after = await ScrapeAsync(host);
        var status = await Client(host).GetFromJsonAsync<JsonElement>("/api/v1/backup/status");

        // Before any backup: no catalog sample of the success rate (there is nothing to rate), every counter series at 0.
        Assert.Contains("backup_total_backups 0", Lines(before));
        Assert.DoesNotContain(Lines(before), l => l.StartsWith("backup_success_rate ", StringComparison.Ordinal));
        Assert.Contains("backup_last_success_time 0", Lines(before));
        Assert.Contains("backup_runs_total{outcome=\"failure\",type=\"full\"} 0", Lines(before));

        var lines = Lines(after);
        Assert.Contains("backup_total_backups{otel_scope_name=\"Backup.Core\"} 1", after.Split('\n'));
        Assert.Equal(1, status.GetProperty("totalBackups").GetInt32());
        Assert.Contains("# TYPE backup_total_backups gauge", lines);
        Assert.Contains("# HELP backup_total_backups Completed backups in the store (the status's totalBackups; failed ones are not counted).", lines);
        Assert.Contains("backup_total_backups 1", lines);
        Assert.Contains("# TYPE backup_success_rate gauge", lines);
        Assert.Contains("backup_success_rate 0.5", lines);
        Assert.Contains("# TYPE backup_storage_used gauge", lines);
        Assert.Contains($"backup_storage_used {full.StoredBytes}", lines);
        Assert.Contains("# TYPE backup_last_success_time gauge", lines);
        Assert.Contains($"backup_last_success_time {full.CompletedAt!.Value.ToUnixTimeMilliseconds() / 1000.0:0.###}", lines);
        Assert.Contains("# TYPE backup_duration_seconds histogram", lines);
        Assert.Contains("backup_duration_seconds_count{type=\"full\"} 1", lines);
        Assert.Contains(lines, l => l.StartsWith("backup_duration_seconds_sum{type=\"full\"} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("backup_duration_seconds_bucket{type=\"full\",le=\"+Inf\"} 1", StringComparison.Ordinal));
        Assert.Contains("# TYPE backup_runs_total counter", lines);
        Assert.Contains("backup_runs_total{outcome=\"success\",type=\"full\"} 1", lines);
        Assert.Contains("backup_runs_total{outcome=\"failure\",type=\"full\"} 1", lines);
        Assert.Contains("# TYPE backup_bytes_written_total counter", lines);
        Assert.Contains($"backup_bytes_written_total{{type=\"full\"}} {full.StoredBytes}", lines);
        // Every HELP line is the instrument's own text: no .NET type name (prometheus-net wrote ObservableGauge`1).
        Assert.All(lines.Where(l => l.StartsWith("# HELP backup_", StringComparison.Ordinal)), l => Assert.DoesNotContain('`', l));
        // Exactly these backup_ families, nothing renamed or suffixed (the drill histogram and the slot gauge have no sample yet).
        Assert.Equal(
            ["backup_bytes_written_total", "backup_drill_last_success_time", "backup_duration_seconds", "backup_last_success_time", "backup_runs_total", "backup_storage_used", "backup_success_rate", "backup_total_backups"],
            lines.Where(l => l.StartsWith("# TYPE backup_", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AfterARestart_TheGaugesShowTheStore_FromTheFirstScrapeThatHasThem_NeverZero()
    {
        BackupManifest full;
        await using (var first = Host())
        {
            full = await first.Services.GetRequiredService<BackupService>().CreateFullBackupAsync(new FullBackupOptions());
        }

        // A new host over the same store, which nothing in it lists: the catalog loader does, in the background.
        await using var second = Host();
        var lines = Lines(await ScrapeLoadedAsync(second));

        Assert.Contains("backup_total_backups 1", lines);
        Assert.Contains($"backup_last_success_time {full.CompletedAt!.Value.ToUnixTimeMilliseconds() / 1000.0:0.###}", lines);
        Assert.Contains("backup_success_rate 1", lines);
    }

    private WebApplicationFactory<Program> Host() => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
        .UseSetting("Backup:DatabaseUrl", TestServer.ConnectionString(_database))
        .UseSetting("Backup:Postgres:ToolsDirectory", TestServer.ToolsDirectory)
        .UseSetting("Backup:Storage:Local:RootPath", _store.Path)
        .UseSetting("Backup:Encryption:Key", _key)
        .UseSetting("Backup:Scheduler:Enabled", "false")
        .UseSetting("Logging:LogLevel:Default", "Warning")
        .UseSetting($"Api:Keys:{ReaderKey}", "backup-reader")
        // The exporter answers a scrape within 300 ms of the last one from its cache: each scrape here must be fresh.
        .ConfigureServices(s => s.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0)));

    private static HttpClient Client(WebApplicationFactory<Program> host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ReaderKey);
        return client;
    }

    private static Task<string> ScrapeAsync(WebApplicationFactory<Program> host) => Client(host).GetStringAsync("/metrics");

    // Each line as exposed, the scope label taken out of the samples (asserted whole in one place).
    // The first scrape after the catalog loader has listed the store (until then the catalog's gauges have no sample).
    private static async Task<string> ScrapeLoadedAsync(WebApplicationFactory<Program> host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var exposition = await ScrapeAsync(host);
            if (Lines(exposition).Any(l => l.StartsWith("backup_total_backups ", StringComparison.Ordinal)) || DateTime.UtcNow > deadline)
            {
                return exposition;
            }
            await Task.Delay(50);
        }
    }

    private static string[] Lines(string exposition) => [.. exposition.Split('\n').Select(WithoutScope)];

    // The exporter labels every sample with the meter (otel_scope_name="Backup.Core", ...): the rest of the line is what is asserted.
    private static string WithoutScope(string line) => System.Text.RegularExpressions.Regex.Replace(line, "otel_scope_[a-z_]+=\"[^\"]*\",?", "").Replace("{}", "", StringComparison.Ordinal).Replace(",}", "}", StringComparison.Ordinal);
}
