using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Compression;
using Backup.Core.Continuous;
using Backup.Core.Engine;
using Backup.Core.Pipeline;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Backup.Core.Tests.Continuous.CaptureFixtures;

namespace Backup.Core.Tests.Continuous;

/// <summary>When a segment is cut, the manifest it gets, and what stays in the spool.</summary>
public sealed class CaptureSessionTests : IDisposable
{
    private const string PreviousId = "20260501T095900000Z-00000001";

    private readonly FakeTimeProvider _time = new(Start);
    private readonly MemoryStorageProvider _spoolStore = new();
    private readonly MemoryStorageProvider _store = new();
    private readonly BackupPipeline _spool;
    private readonly CaptureState _state;
    private readonly SegmentUploader _uploader;
    private readonly ChainCursor _cursor = ChainCursor.Start(Chain(Link(PreviousId, FullId, "0/50", "0/90")));
    private readonly ContinuousCaptureOptions _options = new() { FlushInterval = TimeSpan.FromSeconds(2), MaxSegmentBytes = 64 << 10 };

    public CaptureSessionTests()
    {
        _spool = new BackupPipeline(_spoolStore, new NoCompressor());
        _state = new CaptureState(_time, new RecordingLogger());
        _uploader = new SegmentUploader(_spoolStore, new BackupCatalog(_store), _state, 1L << 30, TimeSpan.FromSeconds(30), _time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }

    public void Dispose() => _uploader.Dispose();

    private CaptureSession Session() => new(_cursor, _uploader, _spool, _options, "postgres", _state, _time);

    [Fact]
    public async Task CutDue_FalseBeforeAnyCommit_EvenLongAfterTheSegmentOpened()
    {
        await using var session = Session();
        Assert.False(session.CutDue);

        await session.SegmentAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.False(session.CutDue);
    }

    [Fact]
    public async Task CutDue_FlushIntervalAfterTheFirstCommit_WhenItArrivedAtOnce()
    {
        await using var session = Session();
        var writer = await session.SegmentAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await WriteTransactionAsync(writer, 1, 0x100);
        // Committed as it arrives (no decoding lag, nothing stored yet): due FlushInterval after it (CutDeadlineTests cover the rest).
        session.Committed(0x100, _time.GetUtcNow(), written: true);

        _time.Advance(_options.FlushInterval - TimeSpan.FromMilliseconds(1));
        session.Committed(0x110, _time.GetUtcNow(), written: true);
        Assert.False(session.CutDue);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(session.CutDue);
    }

    [Fact]
    public async Task CutDue_AtMaxSegmentBytes_BeforeTheFlushInterval()
    {
        await using var session = Session();
        var writer = await session.SegmentAsync(CancellationToken.None);
        await WriteTransactionAsync(writer, 1, 0x100);
        session.Committed(0x100, Start, written: true);
        Assert.False(session.CutDue);

        // The writer passes its buffer on at 1 MiB: write past that, so the bytes reach the spool's stream.
        var name = new string('s', 1000);
        for (var i = 0; i < 1200; i++)
        {
            await writer.WriteAsync(new SequenceItem("public", name, i, true));
        }

        Assert.True(session.CutDue);
    }

    [Fact]
    public async Task CutAsync_EnqueuesAnOrdinaryChangeCaptureIncremental_AndTheSpoolHoldsItsItems()
    {
        await using var session = Session();
        var writer = await session.SegmentAsync(CancellationToken.None);
        var partition = new SegmentPartition("public", "orders_2027", "public", "orders", "FOR VALUES FROM (2027) TO (2028)");
        await writer.WriteAsync(new PartitionItem(partition));
        session.PartitionsAdded([new TableShape("public.orders_2027", "shape-2027")]);
        await WriteTransactionAsync(writer, 7, 0x100);
        session.Committed(0x100, Start.AddSeconds(-3), written: true);
        await WriteTransactionAsync(writer, 8, 0x200);
        session.Committed(0x200, Start.AddSeconds(-2), written: true);
        // An empty transaction (an idle marker) after the last written one: it moves the window, not the commit times.
        session.Committed(0x280, Start.AddSeconds(-1), written: false);
        _time.Advance(TimeSpan.FromSeconds(2));

        await session.CutAsync((w, ct) => w.WriteAsync(new SequenceItem("public", "orders_id_seq", 42, true), ct).AsTask(), CancellationToken.None);
        var spooled = await CopyOfSpoolAsync();

        var manifest = await UploadOneAsync();
        Assert.Equal(BackupType.Incremental, manifest.Type);
        Assert.Equal(BackupStatus.Completed, manifest.Status);
        Assert.Equal(PreviousId, manifest.ParentId);
        Assert.Equal(FullId, manifest.ChainId);
        Assert.Equal("shop", manifest.Database);
        Assert.Equal("0/90", manifest.StartLsn);
        Assert.Equal("0/280", manifest.EndLsn);
        Assert.Equal(Start.AddSeconds(-1), manifest.SnapshotAt);
        Assert.Equal(Start.AddSeconds(-3), manifest.FirstCommitAt);
        Assert.Equal(Start.AddSeconds(-2), manifest.LastCommitAt);
        Assert.Equal(2, manifest.TransactionCount);
        Assert.Equal(ManifestProperties.ChangeCaptureMode, manifest.Properties[ManifestProperties.IncrementalMode]);
        Assert.Equal(ManifestProperties.ContinuousSegment, manifest.Properties[ManifestProperties.Capture]);
        Assert.Equal("shape-2027", manifest.Properties[ManifestProperties.TableShapePrefix + "public.orders_2027"]);
        Assert.Equal(manifest.Id, _cursor.LastId);
        Assert.Equal(0x280UL, _cursor.EndLsn);

        // The spool's copy, read as the store's will be.
        Assert.Equal([manifest.Content!.Key], spooled.Keys);
        var items = await ReadAsync(spooled, manifest.Content!);
        Assert.Equal(
            [new PartitionItem(partition), new BeginItem(7, 0x100, Start), new CommitItem(7, 0x100), new BeginItem(8, 0x200, Start), new CommitItem(8, 0x200),
             new SequenceItem("public", "orders_id_seq", 42, true), new EndItem(2, 0, 0x280)],
            items);
    }

    [Fact]
    public async Task CutAsync_TheNextSegment_ContinuesTheFirst_AndForgetsItsPartitionsAndCommitTimes()
    {
        await using var session = Session();
        await session.SegmentAsync(CancellationToken.None);
        session.PartitionsAdded([new TableShape("public.orders_2027", "shape-2027")]);
        session.Committed(0x100, Start.AddSeconds(-3), written: true);
        await session.CutAsync((_, _) => Task.CompletedTask, CancellationToken.None);
        var first = await UploadOneAsync();

        await session.SegmentAsync(CancellationToken.None);
        session.Committed(0x180, Start.AddSeconds(-1), written: false);
        await session.CutAsync((_, _) => Task.CompletedTask, CancellationToken.None);
        var second = await UploadOneAsync(first.Id);

        Assert.Equal(first.Id, second.ParentId);
        Assert.Equal("0/100", second.StartLsn);
        Assert.Equal("0/180", second.EndLsn);
        Assert.Null(second.FirstCommitAt);
        Assert.Null(second.LastCommitAt);
        Assert.Equal(Start.AddSeconds(-1), second.SnapshotAt);
        Assert.DoesNotContain(second.Properties.Keys, k => k.StartsWith(ManifestProperties.TableShapePrefix, StringComparison.Ordinal));
        Assert.True(string.CompareOrdinal(second.Id, first.Id) > 0);
    }

    [Fact]
    public async Task DisposeAsync_WithAnOpenSegment_LeavesNothingInTheSpool()
    {
        var session = Session();
        var writer = await session.SegmentAsync(CancellationToken.None);
        await WriteTransactionAsync(writer, 1, 0x100);
        session.Committed(0x100, Start, written: true);

        await session.DisposeAsync();

        Assert.Empty(_spoolStore.Keys);
        Assert.Equal(0L, _state.SpooledBytes);
    }

    [Fact]
    public async Task Confirmed_StaysZeroUntilTheUploaderStoredTheSegment()
    {
        await using var session = Session();
        await session.SegmentAsync(CancellationToken.None);
        session.Committed(0x100, Start, written: true);
        await session.CutAsync((_, _) => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(0UL, session.Confirmed);
        Assert.NotEmpty(_spoolStore.Keys);

        await UploadOneAsync();
        Assert.Equal(0x100UL, session.Confirmed);
    }

    private static async Task WriteTransactionAsync(ChangeSegmentWriter writer, uint xid, ulong lsn)
    {
        await writer.WriteAsync(new BeginItem(xid, lsn, Start));
        await writer.WriteAsync(new CommitItem(xid, lsn));
    }

    // Runs the uploader until the store holds the manifest of the next segment after previous (or any).
    private async Task<BackupManifest> UploadOneAsync(string? previous = null)
    {
        using var stop = new CancellationTokenSource();
        var catalog = new BackupCatalog(_store);
        var running = _uploader.RunAsync(stop.Token);
        BackupManifest? found = null;
        await WaitUntilAsync(() =>
        {
            found = catalog.ListAsync().ToBlockingEnumerable().FirstOrDefault(m => m.Type == BackupType.Incremental && m.Id != previous);
            return found is not null && _state.SpooledBytes == 0;
        });
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        return found!;
    }

    private async Task<Dictionary<string, byte[]>> CopyOfSpoolAsync()
    {
        var copy = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in _spoolStore.Keys)
        {
            await using var read = await _spoolStore.OpenReadAsync(key);
            using var bytes = new MemoryStream();
            await read.CopyToAsync(bytes);
            copy[key] = bytes.ToArray();
        }
        return copy;
    }

    private static async Task<List<SegmentItem>> ReadAsync(Dictionary<string, byte[]> objects, StoredContent content)
    {
        var store = new MemoryStorageProvider();
        foreach (var (key, bytes) in objects)
        {
            await store.PutAsync(key, new MemoryStream(bytes));
        }
        return await new BackupPipeline(store, new NoCompressor()).ReadAsync(content, async (stream, ct) =>
        {
            var items = new List<SegmentItem>();
            await foreach (var item in new ChangeSegmentReader(stream).ReadAllAsync(ct))
            {
                items.Add(item);
            }
            return items;
        });
    }
}
