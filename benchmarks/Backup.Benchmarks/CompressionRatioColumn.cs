using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Backup.Benchmarks;

/// <summary>
/// Uncompressed / compressed size, as measured by the case's setup in its child process and
/// handed over through <see cref="RatioStore"/>.
/// </summary>
public sealed class CompressionRatioColumn : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(CompressionRatioColumn);

    // Not "Ratio": BenchmarkDotNet uses that name for its baseline column.
    /// <inheritdoc />
    public string ColumnName => "CompRatio";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 1;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "Uncompressed size / compressed size";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters[nameof(CompressionBenchmarks.Dataset)] is not string dataset
            || benchmarkCase.Parameters[nameof(CompressionBenchmarks.Codec)] is not string codec)
        {
            return "-";
        }

        return RatioStore.Read(dataset, codec)?.ToString("F2", CultureInfo.InvariantCulture) ?? "?";
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public override string ToString() => ColumnName;
}
