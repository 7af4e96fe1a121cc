using Backup.Core.Monitoring;

// In OpenTelemetry's namespace, like every AddXxxInstrumentation, so that the host's wiring needs no extra using.
#pragma warning disable IDE0130
namespace OpenTelemetry.Metrics;
#pragma warning restore IDE0130

/// <summary>Enables Backup.Core's meter in an OpenTelemetry meter provider.</summary>
public static class BackupMeterProviderBuilderExtensions
{
    /// <summary>
    /// Collects the meter <see cref="BackupMetrics.MeterName"/>: with the Prometheus exporter its
    /// instruments come out as <c>backup_total_backups</c>, <c>backup_success_rate</c>,
    /// <c>backup_storage_used</c>, <c>backup_last_success_time</c>, <c>backup_duration_seconds</c>
    /// (a histogram by type), <c>backup_runs_total</c> and <c>backup_bytes_written_total</c> (counters).
    /// </summary>
    public static MeterProviderBuilder AddBackupInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(BackupMetrics.MeterName);
    }
}
