using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Backup.Benchmarks;

/// <summary>
/// One warm-up and three measured invocations per case, each a whole pass over tens of MB: the
/// cases are macro-benchmarks (hundreds of ms each), so BenchmarkDotNet's pilot and overhead
/// stages would add minutes without making the numbers better. The full run must stay within
/// about 15 minutes on a 2-core machine.
/// </summary>
public abstract class ShortRunConfig : ManualConfig
{
    /// <summary>Adds the short job and an MB/s column computed with <paramref name="bytesPerOperation"/>.</summary>
    protected ShortRunConfig(Func<BenchmarkCase, long> bytesPerOperation)
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithLaunchCount(1)
            .WithId("Short"));
        AddColumn(new ThroughputColumn(bytesPerOperation));
    }
}
