using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Backup.Benchmarks;

/// <summary>
/// MB/s (10^6 bytes per second) of uncompressed or plaintext data: the number to set against
/// pg_dump's ~170-200 MB/s, which the mean time alone does not show because inputs differ in size.
/// </summary>
/// <param name="bytesPerOperation">How many bytes one invocation of the case processes.</param>
public sealed class ThroughputColumn(Func<BenchmarkCase, long> bytesPerOperation) : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(ThroughputColumn);

    /// <inheritdoc />
    public string ColumnName => "MB/s";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "Throughput in 10^6 bytes of uncompressed (or plain) data per second, from the mean time";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0)
        {
            return "?";
        }

        double megabytesPerSecond = bytesPerOperation(benchmarkCase) * 1e3 / meanNanoseconds.Value;
        return megabytesPerSecond.ToString("N1", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public override string ToString() => ColumnName;
}
