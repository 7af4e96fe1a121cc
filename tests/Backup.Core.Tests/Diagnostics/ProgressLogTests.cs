using Backup.Core.Diagnostics;
using Backup.Core.Operations;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Diagnostics;

/// <summary>The operator's progress lines: one per phase, then one per interval with the size so far and the rate; the caller sees every report.</summary>
public sealed class ProgressLogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger _logger = new();
    private readonly List<BackupProgress> _seen = [];

    [Fact]
    public void APhase_IsSaidOnce_ThenEveryInterval_WithSizeAndRate()
    {
        var progress = ProgressLog.Wrap(new Collect(_seen), _logger, _time, "Restore of backup X", TimeSpan.FromSeconds(30));

        progress.Report(new BackupProgress("restoring", 0));
        for (var second = 1; second <= 65; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            progress.Report(new BackupProgress("restoring", second * 10L * 1024 * 1024));
        }
        progress.Report(new BackupProgress("counting rows", 650L * 1024 * 1024));

        Assert.Equal(67, _seen.Count);
        Assert.Equal(["Restore of backup X: restoring", "Restore of backup X: counting rows"], _logger.WithId(1682).Select(e => e.Message));
        // At 30 s and 60 s: 300 MiB and 600 MiB, 10 MiB/s.
        Assert.Equal(
            ["Restore of backup X: restoring, 300.0 MiB so far (10.0 MiB/s)", "Restore of backup X: restoring, 600.0 MiB so far (10.0 MiB/s)"],
            _logger.WithId(1683).Select(e => e.Message));
    }

    [Fact]
    public void WithAKnownTotal_TheLineSaysHowMuchOfIt()
    {
        var progress = ProgressLog.Wrap(null, _logger, _time, "Restore of backup Y", TimeSpan.FromSeconds(30));

        progress.Report(new BackupProgress("restoring", 0) { Total = 1024L * 1024 * 1024 });
        _time.Advance(TimeSpan.FromSeconds(32));
        progress.Report(new BackupProgress("restoring", 256L * 1024 * 1024) { Total = 1024L * 1024 * 1024 });

        Assert.Equal(["Restore of backup Y: restoring, 256.0 MiB of 1.0 GiB (25.0%) so far (8.0 MiB/s)"], _logger.WithId(1683).Select(e => e.Message));
    }

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.0 GiB")]
    [InlineData(-2048L, "-2.0 KiB")]
    public void Sizes_AreInBinaryUnits(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));

    [Fact]
    public void ARate_WithoutElapsedTime_IsADash() => Assert.Equal("-", ByteSize.Rate(100, TimeSpan.Zero));

    private sealed class Collect(List<BackupProgress> seen) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => seen.Add(value);
    }
}
