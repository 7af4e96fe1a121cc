using Backup.Core.Continuous;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Backup.Core.Tests.Continuous.CaptureFixtures;

namespace Backup.Core.Tests.Continuous;

/// <summary>Faults said once, the recovery point, and the lag derived from it.</summary>
public sealed class CaptureStateTests
{
    private const int FaultStarted = 1521;
    private const int FaultEnded = 1522;
    private const int Stopped = 1523;

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingLogger _log = new();

    [Fact]
    public void Fault_LoggedOncePerKind_UntilCleared_ThenAgain()
    {
        var state = new CaptureState(_time, _log);

        state.Fault(CaptureFault.StoreUnreachable, "store away", "wait");
        state.Fault(CaptureFault.StoreUnreachable, "store away again", "wait");
        state.Fault(CaptureFault.SpoolFull, "spool full", "wait");
        state.Fault(CaptureFault.SpoolFull, "spool full", "wait");
        _time.Advance(TimeSpan.FromSeconds(12));
        state.Cleared(CaptureFault.StoreUnreachable);
        state.Cleared(CaptureFault.StoreUnreachable);
        state.Fault(CaptureFault.StoreUnreachable, "store away once more", "wait");

        Assert.Equal(["store away", "spool full", "store away once more"], _log.WithId(FaultStarted).Select(e => e.Message.Split('.')[0].Replace("Continuous capture: ", "", StringComparison.Ordinal)));
        var ended = Assert.Single(_log.WithId(FaultEnded));
        Assert.Contains("store away is over after 12.0 s", ended.Message, StringComparison.Ordinal);
        Assert.Equal([CaptureFault.SpoolFull, CaptureFault.StoreUnreachable], state.Snapshot().Faults.Select(f => f.Fault));
    }

    [Fact]
    public void NeedsFullBackup_IsLoggedAsStopped_Once()
    {
        var state = new CaptureState(_time, _log);

        state.Fault(CaptureFault.NeedsFullBackup, "the slot is gone", "take a full backup");
        state.Fault(CaptureFault.NeedsFullBackup, "the slot is gone", "take a full backup");

        Assert.Single(_log.WithId(Stopped));
        Assert.Empty(_log.WithId(FaultStarted));
    }

    [Fact]
    public void Cleared_FaultNeverNoted_SaysNothing()
    {
        var state = new CaptureState(_time, _log);

        state.Cleared(CaptureFault.DatabaseUnreachable);

        Assert.Empty(_log.Entries);
    }

    [Fact]
    public void RecoveryPoint_OnlyMovesForward()
    {
        var state = new CaptureState(_time, _log);
        Assert.Null(state.RecoveryPoint);

        state.Stored(10, Start.AddSeconds(-5));
        state.Stored(10, Start.AddSeconds(-20));
        state.Stored(10, null);

        Assert.Equal(Start.AddSeconds(-5), state.RecoveryPoint);
        state.Stored(10, Start.AddSeconds(-1));
        Assert.Equal(Start.AddSeconds(-1), state.RecoveryPoint);
        Assert.Equal(4, state.SegmentsStored);
        Assert.Equal(40, state.SegmentBytesStored);
    }

    [Fact]
    public void Snapshot_LagIsNowMinusTheRecoveryPoint()
    {
        var state = new CaptureState(_time, _log) { Running = true, ChainId = FullId };
        Assert.Null(state.Snapshot().RecoveryPointLag);

        state.Stored(10, Start.AddSeconds(-3));
        _time.Advance(TimeSpan.FromSeconds(4));
        var snapshot = state.Snapshot();

        Assert.Equal(Start.AddSeconds(-3), snapshot.RecoveryPoint);
        Assert.Equal(TimeSpan.FromSeconds(7), snapshot.RecoveryPointLag);
        Assert.True(snapshot.Running);
        Assert.Equal(FullId, snapshot.ChainId);
        Assert.Equal(1, snapshot.SegmentsStored);
    }
}
