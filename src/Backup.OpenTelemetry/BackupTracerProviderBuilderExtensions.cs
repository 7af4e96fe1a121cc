using Backup.Core.Diagnostics;

// In OpenTelemetry's namespace, like every AddXxxInstrumentation, so that the host's wiring needs no extra using.
#pragma warning disable IDE0130
namespace OpenTelemetry.Trace;
#pragma warning restore IDE0130

/// <summary>Enables Backup.Core's traces in an OpenTelemetry tracer provider.</summary>
public static class BackupTracerProviderBuilderExtensions
{
    /// <summary>
    /// Collects the activity source <see cref="BackupTracing.SourceName"/>: a span per backup
    /// (with its dump, parts, upload and manifest phases), restore, point-in-time recovery replay
    /// and verification, tagged with the backup's id, type and bytes; failures carry status Error.
    /// </summary>
    public static TracerProviderBuilder AddBackupInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(BackupTracing.SourceName);
    }
}
