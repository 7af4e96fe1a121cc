using Backup.Core.Operations;

namespace Backup.Core.Tests.Operations;

public sealed class ProgressTotalTests
{
    private sealed class Recorder : IProgress<BackupProgress>
    {
        public List<BackupProgress> Reports { get; } = [];

        public void Report(BackupProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    [Fact]
    public void StreamsRunningCounts_AddUpToOneTotal_UnderOnePhase()
    {
        var recorder = new Recorder();
        var total = new ProgressTotal("copying table data", recorder);
        var first = total.ForStream();
        var second = total.ForStream();

        first.Report(new BackupProgress("part", 100));
        second.Report(new BackupProgress("part", 50));
        first.Report(new BackupProgress("part", 250));
        second.Report(new BackupProgress("part", 50));

        Assert.Equal(300, total.Bytes);
        Assert.Equal([100L, 150, 300, 300], recorder.Reports.Select(r => r.Bytes));
        Assert.All(recorder.Reports, r => Assert.Equal("copying table data", r.Phase));
    }

    [Fact]
    public async Task ManyStreamsAtOnce_LoseNoByte()
    {
        var total = new ProgressTotal("p", null);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var stream = total.ForStream();
            for (var i = 1; i <= 1000; i++)
            {
                stream.Report(new BackupProgress("x", i * 10L));
            }
        })));

        Assert.Equal(8 * 10_000, total.Bytes);
    }
}
