using Backup.Core.Catalog;
using Backup.Core.Continuous;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Backup.Core.Tests.Continuous.CaptureFixtures;

namespace Backup.Core.Tests.Continuous;

/// <summary>Spooled segments reach the store in order, data before manifest, through an unreachable store and a full spool.</summary>
public sealed class SegmentUploaderTests : IDisposable
{
    private const int FaultStarted = 1521;
    private const int FaultEnded = 1522;
    private const string Id1 = "20260501T100000001Z-00000001";
    private const string Id2 = "20260501T100000002Z-00000002";
    private const string Id3 = "20260501T100000003Z-00000003";

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingLogger _log = new();
    private readonly MemoryStorageProvider _spool = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CaptureState _state;

    public SegmentUploaderTests() => _state = new CaptureState(_time, _log);

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    [Fact]
    public async Task RunAsync_UploadsInOrder_DataBeforeManifest_ThenDeletesTheSpoolCopy_AndConfirms()
    {
        var store = new RecordingStore(new MemoryStorageProvider());
        using var uploader = Uploader(store, spoolLimitBytes: 1 << 20);
        var segments = new[]
        {
            await SpooledAsync(_spool, Id1, FullId, 0x100, 10, Start.AddSeconds(-3)),
            await SpooledAsync(_spool, Id2, Id1, 0x200, 20, Start.AddSeconds(-2)),
            await SpooledAsync(_spool, Id3, Id2, 0x300, 30, Start.AddSeconds(-1)),
        };
        foreach (var segment in segments)
        {
            await uploader.EnqueueAsync(segment, CancellationToken.None);
        }
        Assert.Equal(0UL, uploader.ConfirmedFor(FullId));

        _ = uploader.RunAsync(_stop.Token);
        await WaitUntilAsync(() => _state.SegmentsStored == 3);

        Assert.Equal(
            segments.SelectMany(s => new[] { s.Manifest.Content!.Key, BackupCatalog.ManifestKey(s.Manifest.Id) }),
            store.Puts);
        Assert.Empty(_spool.Keys);
        Assert.Equal(0L, _state.SpooledBytes);
        Assert.Equal(60L, _state.SegmentBytesStored);
        Assert.Equal(0x300UL, uploader.ConfirmedFor(FullId));
        Assert.Equal(0UL, uploader.ConfirmedFor("20260501T080000000Z-000000aa"));
        Assert.Equal(Start.AddSeconds(-1), _state.RecoveryPoint);
    }

    [Fact]
    public async Task RunAsync_StoreFailsThreeTimesThenWorks_StoredOnce_FaultLoggedOnceAndItsEndOnce()
    {
        var store = new RecordingStore(new MemoryStorageProvider(), failures: 3);
        using var uploader = Uploader(store, spoolLimitBytes: 1 << 20);
        await uploader.EnqueueAsync(await SpooledAsync(_spool, Id1, FullId, 0x100, 10, Start), CancellationToken.None);

        _ = uploader.RunAsync(_stop.Token);
        // Each retry waits on the fake clock (1 s, 2 s, 4 s): move it on until the segment is stored.
        await WaitUntilAsync(() => _state.SegmentsStored == 1, () => _time.Advance(TimeSpan.FromMilliseconds(500)));

        Assert.Equal(3, store.Refused);
        Assert.Equal([$"database/{Id1}.changes", BackupCatalog.ManifestKey(Id1)], store.Puts);
        Assert.Single(_log.WithId(FaultStarted));
        Assert.Contains("the store does not take segments", _log.WithId(FaultStarted)[0].Message, StringComparison.Ordinal);
        Assert.Single(_log.WithId(FaultEnded));
        Assert.Empty(_state.Snapshot().Faults);
        Assert.Equal(0x100UL, uploader.ConfirmedFor(FullId));
        Assert.Empty(_spool.Keys);
    }

    [Fact]
    public async Task EnqueueAsync_PastTheSpoolLimit_WaitsUntilTheUploaderMakesRoom_WithSpoolFullMeanwhile()
    {
        var store = new RecordingStore(new MemoryStorageProvider());
        using var uploader = Uploader(store, spoolLimitBytes: 100);
        await uploader.EnqueueAsync(await SpooledAsync(_spool, Id1, FullId, 0x100, 80, Start), CancellationToken.None);
        Assert.Empty(_state.Snapshot().Faults);

        var second = uploader.EnqueueAsync(await SpooledAsync(_spool, Id2, Id1, 0x200, 80, Start), CancellationToken.None);
        await Task.Delay(200);

        Assert.False(second.IsCompleted);
        Assert.Equal(CaptureFault.SpoolFull, Assert.Single(_state.Snapshot().Faults).Fault);

        _ = uploader.RunAsync(_stop.Token);
        await second.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(_state.Snapshot().Faults);
        Assert.Single(_log.WithId(FaultStarted));
        Assert.Single(_log.WithId(FaultEnded));
        await WaitUntilAsync(() => _state.SegmentsStored == 2);
        Assert.Empty(_spool.Keys);
    }

    [Fact]
    public async Task EnqueueAsync_WaitForRoomCancelled_SpoolFullEndsOnceTheUploaderDrainsTheSpool()
    {
        var store = new RecordingStore(new MemoryStorageProvider());
        using var uploader = Uploader(store, spoolLimitBytes: 100);
        await uploader.EnqueueAsync(await SpooledAsync(_spool, Id1, FullId, 0x100, 80, Start), CancellationToken.None);
        using var session = new CancellationTokenSource();
        var second = uploader.EnqueueAsync(await SpooledAsync(_spool, Id2, Id1, 0x200, 80, Start), session.Token);

        // The session ends while it waits for room (a newer chain was found).
        await session.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        _ = uploader.RunAsync(_stop.Token);
        await WaitUntilAsync(() => _state.SegmentsStored == 2);

        Assert.Empty(_state.Snapshot().Faults);
        Assert.Single(_log.WithId(FaultEnded));
    }

    private SegmentUploader Uploader(RecordingStore store, long spoolLimitBytes) =>
        new(_spool, new BackupCatalog(store), _state, spoolLimitBytes, TimeSpan.FromSeconds(30), _time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
}
