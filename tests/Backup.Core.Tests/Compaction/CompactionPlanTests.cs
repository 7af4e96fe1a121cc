using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Compaction;
using Backup.Core.Monitoring;
using Backup.Core.Pipeline;
using Backup.Core.Recovery;

namespace Backup.Core.Tests.Compaction;

/// <summary>How the planner follows a compacted link, and which incrementals compaction groups.</summary>
public sealed class CompactionPlanTests
{
    private static readonly DateTimeOffset Hour10 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
    private const string FullId = "20260501T090000000Z-0000000f";

    // Segments s1..s6: s1..s4 in hour 10 (20 minutes apart), s5..s6 in hour 11; each 100 raw bytes,
    // WAL positions 0/10, 0/20, ... (hex) so segment i covers 0/i0 .. 0/(i+1)0.
    private static readonly BackupManifest Full = new()
    {
        Id = FullId, Type = BackupType.Full, Status = BackupStatus.Completed, Database = "shop", ChainId = FullId,
        StartedAt = Hour10.AddHours(-1), SnapshotAt = Hour10.AddHours(-1), EndLsn = "0/10",
    };

    private static readonly BackupManifest[] Segments = [.. Enumerable.Range(1, 6).Select(Segment)];

    private static BackupManifest Segment(int i)
    {
        var at = Hour10.AddMinutes(20 * (i - 1));
        return new BackupManifest
        {
            Id = Id(i), Type = BackupType.Incremental, Status = BackupStatus.Completed, Database = "shop", ChainId = FullId,
            ParentId = i == 1 ? FullId : Id(i - 1), StartLsn = $"0/{i * 16:X}", EndLsn = $"0/{(i + 1) * 16:X}",
            StartedAt = at, CompletedAt = at.AddSeconds(1), FirstCommitAt = at.AddSeconds(-5), LastCommitAt = at.AddSeconds(-1),
            Content = new StoredContent { Key = $"database/{Id(i)}.bkseg", RawBytes = 100, StoredBytes = 50, PlainSha256 = "", StoredSha256 = "", Compression = "none" },
            Properties = new Dictionary<string, string> { [ManifestProperties.IncrementalMode] = ManifestProperties.ChangeCaptureMode },
        };
    }

    private static string Id(int i) => $"20260501T1{i}0000000Z-0000000{i}";

    // s2..s3 merged: the merged manifest as compaction writes it.
    private static BackupManifest Merged(params int[] sources) =>
        MergedManifest.Of([.. sources.Select(i => Segments[i - 1])], "20260501T120000000Z-000000aa",
            new StoredContent { Key = "database/20260501T120000000Z-000000aa.bkseg", RawBytes = 200, StoredBytes = 90, PlainSha256 = "", StoredSha256 = "", Compression = "none" }, 0, 0);

    private static RecoveryChain Chain(IEnumerable<BackupManifest> incrementals) => Assert.Single(RecoveryPlanner.Chains([Full, .. incrementals], "shop"));

    [Fact]
    public void Chains_CompactedLinkAndAllItsSources_TakesTheCompactedOne_SkipsTheSources_WindowUnchanged()
    {
        var before = Chain(Segments);
        var merged = Merged(2, 3);

        var after = Chain([.. Segments, merged]);

        Assert.Equal([Id(1), merged.Id, Id(4), Id(5), Id(6)], after.Incrementals.Select(l => l.Id));
        Assert.Equal((before.WindowStart, before.WindowEnd), (after.WindowStart, after.WindowEnd));
    }

    [Fact]
    public void Chains_CompactedLinkWithSomeSourcesLeft_OrNone_GivesTheSameLinks()
    {
        var merged = Merged(2, 3);
        var expected = new[] { Id(1), merged.Id, Id(4), Id(5), Id(6) };

        Assert.Equal(expected, Chain(Segments.Where(s => s.Id != Id(2)).Append(merged)).Incrementals.Select(l => l.Id));
        Assert.Equal(expected, Chain(Segments.Where(s => s.Id != Id(3)).Append(merged)).Incrementals.Select(l => l.Id));
        Assert.Equal(expected, Chain(Segments.Where(s => s.Id != Id(2) && s.Id != Id(3)).Append(merged)).Incrementals.Select(l => l.Id));
    }

    [Fact]
    public void Chains_CompactedLinkAsTheLastLink_KeepsTheLastSourcesWindowEnd()
    {
        var before = Chain(Segments);
        var merged = Merged(5, 6);

        var after = Chain(Segments.Take(4).Append(merged));

        Assert.Equal(merged.Id, after.Incrementals[^1].Id);
        Assert.Equal(before.WindowEnd, after.WindowEnd);
    }

    [Fact]
    public void Chains_ANewerCompactionOfTheSameStart_WinsOverTheOlderOne()
    {
        var older = Merged(2, 3);
        var newer = MergedManifest.Of([older, Segments[3]], "20260501T130000000Z-000000bb",
            new StoredContent { Key = "database/20260501T130000000Z-000000bb.bkseg", RawBytes = 300, StoredBytes = 90, PlainSha256 = "", StoredSha256 = "", Compression = "none" }, 0, 0);

        var chain = Chain([.. Segments, older, newer]);

        Assert.Equal([Id(1), newer.Id, Id(5), Id(6)], chain.Incrementals.Select(l => l.Id));
        Assert.Equal((older.Id, Id(4), "3"), (newer.Properties[ManifestProperties.CompactedFirst], newer.Properties[ManifestProperties.CompactedLast], newer.Properties[ManifestProperties.CompactedCount]));
        Assert.Equal(new[] { Id(2), Id(3), older.Id, Id(4) }.Order(StringComparer.Ordinal), CompactionPlan.Leftovers(chain, [Full, .. Segments, older, newer]).Select(l => l.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Leftovers_AreTheSourcesStillStored_NotOtherLinks()
    {
        var merged = Merged(2, 3);
        var all = Segments.Where(s => s.Id != Id(2)).Append(merged).Prepend(Full).ToList();

        var leftovers = CompactionPlan.Leftovers(Chain(all.Skip(1)), all);

        Assert.Equal([Id(3)], leftovers.Select(l => l.Id));
    }

    [Fact]
    public void MergedManifest_SpansItsSources()
    {
        var merged = Merged(2, 3, 4);

        Assert.Equal((Id(1), "0/20", "0/50"), (merged.ParentId!, merged.StartLsn!, merged.EndLsn!));
        Assert.Equal((Segments[1].StartedAt, Segments[3].StartedAt, Segments[1].FirstCommitAt, Segments[3].LastCommitAt), (merged.StartedAt, merged.SnapshotAt!.Value, merged.FirstCommitAt, merged.LastCommitAt));
        Assert.Equal((Id(2), Id(4), "3", ManifestProperties.ChangeCaptureMode),
            (merged.Properties[ManifestProperties.CompactedFirst], merged.Properties[ManifestProperties.CompactedLast], merged.Properties[ManifestProperties.CompactedCount], merged.Properties[ManifestProperties.IncrementalMode]));
    }

    [Fact]
    public void Buckets_GroupByTheHourOfTheFirstCommit_AndLeaveAGroupOfOneAlone()
    {
        // s1's first commit is 09:59:55: it is alone in hour 9. s2..s4 share hour 10; s5..s6 hour 11.
        var buckets = CompactionPlan.Buckets(Chain(Segments), Hour10.AddHours(5), long.MaxValue);

        Assert.Equal([[Id(2), Id(3), Id(4)], [Id(5), Id(6)]], buckets.Select(b => b.Select(l => l.Id).ToArray()));
    }

    [Fact]
    public void Buckets_SplitWhenTheRawBytesWouldPassTheLimit()
    {
        var buckets = CompactionPlan.Buckets(Chain(Segments), Hour10.AddHours(5), maxMergedBytes: 200);

        // Hour 10 holds s2..s4 (300 bytes): s2+s3, then s4 alone (left as it is).
        Assert.Equal([[Id(2), Id(3)], [Id(5), Id(6)]], buckets.Select(b => b.Select(l => l.Id).ToArray()));
    }

    [Fact]
    public void Buckets_OnlyIncrementalsCompletedBeforeTheCutoff_AndNeverTimestampMode()
    {
        var timestampMode = Segments.Select(s => s.Id == Id(3)
            ? s with { Properties = new Dictionary<string, string> { [ManifestProperties.IncrementalMode] = ManifestProperties.TimestampMode } }
            : s);

        // The cutoff falls after s5 completed and before s6: s6 is too young. s3 is timestamp mode: it splits hour 10.
        var buckets = CompactionPlan.Buckets(Chain(timestampMode), Segments[4].CompletedAt!.Value, long.MaxValue);

        Assert.Empty(buckets);
    }

    [Fact]
    public void Analytics_CountLeftSourcesOnce_AndAMergedIncrementalsSpanIsNoDuration()
    {
        var merged = Merged(2, 3);

        var analytics = BackupAnalytics.Of([merged, .. Segments, Full]);

        Assert.Equal(5, analytics.CountsByType[BackupType.Incremental]);
        Assert.Equal(TimeSpan.FromSeconds(1), analytics.P95Duration);
    }

    [Fact]
    public void Chains_AnIncrementalTakenAfterACompactedLastLink_ContinuesIt()
    {
        // s5..s6 merged while s6 was the last link: the next incremental names the merged link as its parent.
        var merged = Merged(5, 6);
        var next = Segment(7) with { ParentId = merged.Id };

        var chain = Chain([.. Segments.Take(4), merged, next]);

        Assert.Equal([Id(1), Id(2), Id(3), Id(4), merged.Id, Id(7)], chain.Incrementals.Select(l => l.Id));
    }
}
