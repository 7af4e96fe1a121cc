// A host with the backup system, its REST API, Prometheus metrics and a health check.
//   DATABASE_URL=postgresql://... BACKUP_DIR=/var/backups BACKUP_ENCRYPTION_KEY=... \
//   Api__Keys__<some-long-random-key>=backup-admin Api__Keys__<another-key>=backup-reader \
//   BackupApi__AllowedFileRoots__0=/srv/uploads dotnet run --project samples/WebApi
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WebApi;

var builder = WebApplication.CreateBuilder(args);

// Settings from the environment (DATABASE_URL, BACKUP_DIR, ...) and the Backup section of appsettings.
builder.Services.AddBackupSystem();
builder.Services.AddBackupEndpoints();
// The dashboard's pages at /backup (its forms need antiforgery, which this registers).
builder.Services.AddBackupDashboard();
builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
    .AddScheme<ApiKeyOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, o => builder.Configuration.GetSection("Api").Bind(o));
// Two roles: an admin that may do everything, a reader that may only look (status, lists, metrics, health).
builder.Services.AddAuthorizationBuilder()
    .AddPolicy("backup-admin", p => p.RequireRole("backup-admin"))
    .AddPolicy("backup-read", p => p.RequireRole("backup-admin", "backup-reader"));
// The backup check (Microsoft.Extensions.DependencyInjection): Degraded before the first backup, within a grace.
builder.Services.AddHealthChecks().AddBackupHealthCheck();
// Metrics through OpenTelemetry (OpenTelemetry.Metrics / OpenTelemetry.Trace): the library's meter,
// exposed by the Prometheus exporter as backup_total_backups, backup_success_rate, ... ; and its traces
// (add an exporter, e.g. AddOtlpExporter, to send them somewhere).
builder.Services.AddOpenTelemetry()
    .WithMetrics(m => m.AddBackupInstrumentation().AddPrometheusExporter())
    .WithTracing(t => t.AddBackupInstrumentation());

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapBackupEndpoints(o =>
{
    // AllowedFileRoots, AllowDropExisting, AllowUnencrypted... from the BackupApi section.
    app.Configuration.GetSection("BackupApi").Bind(o);
    o.AuthorizationPolicy = "backup-admin";   // backups, restores, downloads, deletes, schedule changes
    o.ReadPolicy = "backup-read";
});
// Same policies as the API: readers see the pages, admins use the forms (backup now, verify, restore, delete, schedules).
app.MapBackupDashboard("/backup", o =>
{
    o.AuthorizationPolicy = "backup-admin";
    o.ReadPolicy = "backup-read";
});
// The Prometheus exposition of the meters enabled above. Both reveal how the backups go, and the
// health check reads the catalog: readers only.
app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization("backup-read");
app.MapHealthChecks("/health").RequireAuthorization("backup-read");
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
