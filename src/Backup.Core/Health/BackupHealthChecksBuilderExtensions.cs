using Backup.Core.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// In the framework's namespace, like every AddXxx of a health checks builder, so that Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds the backup health check to a host's health checks.</summary>
public static class BackupHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="BackupHealthCheck"/> (options: <see cref="BackupHealthOptions"/>, section
    /// <c>Backup:Health</c>): <c>builder.Services.AddHealthChecks().AddBackupHealthCheck()</c>, then
    /// <c>app.MapHealthChecks("/health")</c> answers 200 while Healthy or Degraded, 503 when Unhealthy.
    /// </summary>
    /// <param name="builder">The host's health checks.</param>
    /// <param name="name">The check's name (default <c>backup</c>).</param>
    /// <param name="failureStatus">What a failure is reported as (default Unhealthy); e.g. Degraded for a probe that must not restart the pod.</param>
    /// <param name="tags">Tags to select the check by (e.g. <c>ready</c>, for a readiness endpoint's predicate).</param>
    /// <param name="timeout">How long the framework waits for the check; none when null.</param>
    public static IHealthChecksBuilder AddBackupHealthCheck(
        this IHealthChecksBuilder builder, string name = "backup", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<BackupHealthCheck>(name, failureStatus, tags ?? [], timeout);
    }
}
