// A host with the backup system, its REST API, Prometheus metrics and a health check.
//   DATABASE_URL=postgresql://... BACKUP_DIR=/var/backups BACKUP_ENCRYPTION_KEY=... \
//   Api__Keys__<some-long-random-key>=backup-admin dotnet run --project samples/WebApi
using Backup.Core.Monitoring;
using Prometheus;
using WebApi;

var builder = WebApplication.CreateBuilder(args);

// Settings from the environment (DATABASE_URL, BACKUP_DIR, ...) and the Backup section of appsettings.
builder.Services.AddBackupSystem();
builder.Services.AddBackupEndpoints();
builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
    .AddScheme<ApiKeyOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, o => builder.Configuration.GetSection("Api").Bind(o));
builder.Services.AddAuthorizationBuilder().AddPolicy("backup-admin", p => p.RequireRole("backup-admin"));
builder.Services.AddHealthChecks().AddCheck<BackupHealthCheck>("backup");

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapBackupEndpoints(o => o.AuthorizationPolicy = "backup-admin");
// prometheus-net publishes .NET meters, the library's "Backup.Core" among them.
app.MapMetrics("/metrics");
app.MapHealthChecks("/health");
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
