using Backup.Core.Continuous;

namespace Backup.Core.Tests.Continuous;

/// <summary>When continuous capture cuts a segment: early enough that its first commit is stored within FlushInterval of committing.</summary>
public sealed class CutDeadlineTests
{
    private static readonly DateTimeOffset Arrived = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void FastStore_CommitArrivedAtOnce_DueAfterTheInterval()
    {
        Assert.False(CutDeadline.Due(Arrived.AddMilliseconds(990), Arrived, Arrived, Second, TimeSpan.Zero));
        Assert.True(CutDeadline.Due(Arrived.AddMilliseconds(1000), Arrived, Arrived, Second, TimeSpan.Zero));
    }

    [Fact]
    public void StoringTakes300Ms_DueThatMuchEarlier()
    {
        Assert.False(CutDeadline.Due(Arrived.AddMilliseconds(690), Arrived, Arrived, Second, TimeSpan.FromMilliseconds(300)));
        Assert.True(CutDeadline.Due(Arrived.AddMilliseconds(700), Arrived, Arrived, Second, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void CommitArrived200MsLate_CountsFromItsCommit()
    {
        Assert.True(CutDeadline.Due(Arrived.AddMilliseconds(800), Arrived, Arrived.AddMilliseconds(-200), Second, TimeSpan.Zero));
        Assert.False(CutDeadline.Due(Arrived.AddMilliseconds(790), Arrived, Arrived.AddMilliseconds(-200), Second, TimeSpan.Zero));
    }

    [Fact]
    public void SlowStoreOrOldCommits_SegmentStillOpenHalfTheInterval()
    {
        // A store that took a minute, commits an hour old (catching up, or a server clock far ahead): never below half the interval.
        Assert.False(CutDeadline.Due(Arrived.AddMilliseconds(490), Arrived, Arrived.AddHours(-1), Second, TimeSpan.FromMinutes(1)));
        Assert.True(CutDeadline.Due(Arrived.AddMilliseconds(500), Arrived, Arrived.AddHours(-1), Second, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void StoreTook_NewestOrDecayedLongest()
    {
        var state = new CaptureState(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        state.StoreTaking(TimeSpan.FromMilliseconds(500));
        state.StoreTaking(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(450), state.StoreTook);
        state.StoreTaking(TimeSpan.FromMilliseconds(800));
        Assert.Equal(TimeSpan.FromMilliseconds(800), state.StoreTook);
    }
}
