namespace Backup.AspNetCore.Tests.Monitoring;

/// <summary>
/// Tests that read the Prometheus exposition run alone: OpenTelemetry enables meters by name for the
/// whole process, so a scrape of one host would also show the "Backup.Core" meters of the other
/// test classes' hosts alive meanwhile (one host per process, as in production, sees only its own).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsRunAlone
{
    public const string Name = "metrics exposition";
}
