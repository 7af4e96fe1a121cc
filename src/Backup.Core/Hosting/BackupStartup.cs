using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Continuous;
using Backup.Core.Diagnostics;
using Backup.Core.Pipeline;
using Backup.Core.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backup.Core.Hosting;

/// <summary>
/// The first thing the backup system does in a host, before any hosted service starts: it builds
/// what the configuration describes and writes one summary line (store, database, encryption and
/// key id, compression, schedules, change capture, retention). A configuration that cannot work (no
/// database, a bad BACKUP_SCHEDULES, a missing key) stops the host with one line that says what to
/// fix, and exit code 1, instead of a stack trace from whichever service met it first.
/// </summary>
internal sealed class BackupStartup(IServiceProvider services, ILogger<BackupStartup> logger, IHostApplicationLifetime? lifetime = null) : IHostedLifecycleService
{
    private bool _cannotStart;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            Summarize();
        }
        catch (Exception ex) when (ex is BackupConfigurationException or OptionsValidationException or BackupException or ArgumentException)
        {
            // The message names the setting and the fix; a stack trace would bury it.
            Log.CannotStart(logger, ex.Message);
            _cannotStart = true;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // Stopped once everything has started, not during the start: stopping then cancels the other
        // services' start (Kestrel's bind), and the host dies with their TaskCanceledException's stack.
        if (_cannotStart)
        {
            Environment.ExitCode = 1;
            lifetime?.StopApplication();
        }
        return Task.CompletedTask;
    }

    private void Summarize()
    {
        var general = services.GetRequiredService<IOptions<BackupOptions>>().Value;
        var postgres = services.GetRequiredService<IOptions<PostgresOptions>>().Value;
        var encryption = services.GetRequiredService<IOptions<BackupEncryptionOptions>>().Value;
        var compression = services.GetRequiredService<IOptions<BackupCompressionOptions>>().Value;
        var continuous = services.GetRequiredService<IOptions<ContinuousCaptureOptions>>().Value;
        if (postgres.ConnectionString is null && general.RequireDatabase)
        {
            throw new BackupConfigurationException(BackupEnvironmentVariables.DatabaseUrl,
                "No database is configured: set DATABASE_URL (or Backup:DatabaseUrl), or call UsePostgres(...) in AddBackupSystem. A host that only backs up files sets Backup:RequireDatabase=false.");
        }
        var database = postgres.ConnectionString is null ? "none (file backups only)" : PostgresConnectionInfo.Parse(postgres.ConnectionString).ToString();
        // Building the service checks the rest (stores, copy target, keys) the way the first backup would.
        _ = services.GetRequiredService<BackupService>();
        var store = StoreDescription.Of(services.GetRequiredService<BackupPipeline>().Storage);
        Log.StartupSummary(logger, store, database, Encryption(encryption), Compression(compression), Schedules(general), Capture(postgres, continuous), Retention(general));
    }

    private static string Encryption(BackupEncryptionOptions options)
    {
        if (EncryptorFactory.BuildKeyRing(options) is not { } keys)
        {
            return "off (no key)";
        }
        var others = keys.KeyIds.Count - 1;
        var readOnly = others > 0 ? $", {others} more key(s) for reading older backups" : "";
        return EncryptorFactory.EncryptsByDefault(options)
            ? $"on, key id {keys.Active.Id}{readOnly}"
            : $"off by default (BACKUP_ENCRYPTION_ENABLED=false), key id {keys.Active.Id} for reading{readOnly}";
    }

    private static string Compression(BackupCompressionOptions options) =>
        options.Level is { } level ? string.Create(CultureInfo.InvariantCulture, $"{options.Algorithm} level {level}") : $"{options.Algorithm} (default level)";

    private static string Schedules(BackupOptions options) => options.Schedules.Count == 0
        ? "none configured (schedules created at run time are kept in the store)"
        : string.Join(", ", options.Schedules.Select(s => $"{s.Id} ({s.Type}, '{s.CronExpression}'{(s.TimeZone is null ? "" : " " + s.TimeZone)}{(s.Enabled ? "" : ", disabled")})"));

    private static string Capture(PostgresOptions postgres, ContinuousCaptureOptions continuous) => (postgres.ChangeCapture, continuous.Enabled) switch
    {
        (true, true) => $"continuous (slot {postgres.SlotName}, a segment every {continuous.FlushInterval.TotalSeconds:0.#} s)",
        (true, false) => $"logical replication (slot {postgres.SlotName}, read by each incremental)",
        _ => $"off (incrementals read rows by their '{postgres.TimestampColumn}' column)",
    };

    private static string Retention(BackupOptions options)
    {
        var own = options.Schedules.Where(s => s.Options.RetentionDays is not null).Select(s => $"{s.Id}: {s.Options.RetentionDays} days").ToList();
        return $"{options.RetentionDays} days" + (own.Count == 0 ? "" : $" ({string.Join(", ", own)})");
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
