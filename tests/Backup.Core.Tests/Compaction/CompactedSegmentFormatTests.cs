using Backup.Core.Abstractions;
using Backup.Core.Changes;

namespace Backup.Core.Tests.Compaction;

/// <summary>Version 4 segments: the source boundary only compaction writes.</summary>
public sealed class CompactedSegmentFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ACompactedSegment_ReadsBackWithItsBoundary_InOrder()
    {
        using var stream = new MemoryStream();
        var writer = new ChangeSegmentWriter(stream, marksSources: true);
        await writer.WriteAsync(new BeginItem(1, 10, At));
        await writer.WriteAsync(new CommitItem(1, 10));
        await writer.WriteAsync(new SequenceItem("public", "s", 5, true));
        await writer.WriteAsync(SourceBoundaryItem.Instance);
        await writer.WriteAsync(new PartitionItem(new SegmentPartition("public", "p2", "public", "p", "DEFAULT")));
        await writer.WriteAsync(new SequenceItem("public", "s", 7, true));
        await writer.CompleteAsync(20);
        stream.Position = 0;

        var items = new List<SegmentItem>();
        await foreach (var item in new ChangeSegmentReader(stream).ReadAllAsync())
        {
            items.Add(item);
        }

        Assert.Equal("BKCHSEG5"u8.ToArray(), stream.ToArray()[..8]);
        Assert.Equal(
            [typeof(BeginItem), typeof(CommitItem), typeof(SequenceItem), typeof(SourceBoundaryItem), typeof(PartitionItem), typeof(SequenceItem), typeof(EndItem)],
            items.Select(i => i.GetType()));
    }

    [Fact]
    public async Task APlainSegment_IsVersion5_AndRefusesABoundary()
    {
        using var stream = new MemoryStream();
        var writer = new ChangeSegmentWriter(stream);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(SourceBoundaryItem.Instance));
        await writer.CompleteAsync(1);
        Assert.Equal("BKCHSEG5"u8.ToArray(), stream.ToArray()[..8]);
    }

    [Fact]
    public async Task ABoundaryRecordInAVersion3Segment_IsDamage()
    {
        using var written = new MemoryStream();
        var writer = new ChangeSegmentWriter(written, marksSources: true);
        await writer.WriteAsync(SourceBoundaryItem.Instance);
        await writer.CompleteAsync(1);
        var bytes = written.ToArray();
        "BKCHSEG3"u8.CopyTo(bytes);

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(async () =>
        {
            await foreach (var _ in new ChangeSegmentReader(new MemoryStream(bytes)).ReadAllAsync())
            {
            }
        });
        Assert.Contains("unknown type", error.Message, StringComparison.Ordinal);
    }
}
