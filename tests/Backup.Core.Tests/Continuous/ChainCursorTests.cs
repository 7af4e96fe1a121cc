using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Continuous;
using Backup.Core.Engine;
using static Backup.Core.Tests.Continuous.CaptureFixtures;

namespace Backup.Core.Tests.Continuous;

/// <summary>Where capture continues a chain, and the ids its segments get (the planner orders links by id).</summary>
public sealed class ChainCursorTests
{
    private const string NewestLinkId = "20260501T100000500Z-00000001";

    [Fact]
    public void NextId_ManyCallsWithinOneMillisecond_StrictlyIncreasingAsOrdinalStrings()
    {
        var cursor = ChainCursor.Start(Chain());
        var now = Start.AddTicks(1234);

        var ids = Enumerable.Range(0, 200).Select(i => cursor.NextId(now.AddTicks(i))).ToList();

        AssertStrictlyIncreasing(ids);
    }

    [Fact]
    public void NextId_ClockGoesBackwards_StillStrictlyIncreasing()
    {
        var cursor = ChainCursor.Start(Chain());
        var ids = new List<string> { cursor.NextId(Start), cursor.NextId(Start.AddSeconds(5)) };

        ids.Add(cursor.NextId(Start.AddSeconds(2)));
        ids.Add(cursor.NextId(Start.AddSeconds(-30)));
        ids.Add(cursor.NextId(Start.AddSeconds(5)));

        AssertStrictlyIncreasing(ids);
    }

    [Fact]
    public void NextId_StartsAfterTheChainsNewestLink_EvenWithAnEarlierClock()
    {
        var cursor = ChainCursor.Start(Chain(Link(NewestLinkId, FullId, "0/50", "0/80")));

        var sameMillisecond = cursor.NextId(BackupId.TimeOf(NewestLinkId));
        var earlier = cursor.NextId(BackupId.TimeOf(NewestLinkId).AddMinutes(-5));

        Assert.True(string.CompareOrdinal(sameMillisecond, NewestLinkId) > 0, $"{sameMillisecond} is not after {NewestLinkId}");
        Assert.True(string.CompareOrdinal(earlier, sameMillisecond) > 0, $"{earlier} is not after {sameMillisecond}");
        Assert.True(BackupId.IsValid(sameMillisecond));
    }

    [Fact]
    public void Start_ContinuesTheNewestLink_AndKnowsTheShapesOfTheChain()
    {
        var full = Full(properties: new Dictionary<string, string> { [ManifestProperties.TableShapePrefix + "public.orders"] = "a" });
        var link = Link(NewestLinkId, FullId, "0/50", "0/80", new Dictionary<string, string>
        {
            [ManifestProperties.IncrementalMode] = ManifestProperties.ChangeCaptureMode,
            [ManifestProperties.TableShapePrefix + "public.orders_2026"] = "b",
        });

        var cursor = ChainCursor.Start(ChainOf(full, link));

        Assert.Equal(FullId, cursor.ChainId);
        Assert.Equal(NewestLinkId, cursor.LastId);
        Assert.Equal(0x80UL, cursor.EndLsn);
        Assert.Equal(new Dictionary<string, string> { ["public.orders"] = "a", ["public.orders_2026"] = "b" }, cursor.Shapes);
    }

    [Fact]
    public void Advance_MovesLastIdAndEndLsn_AndAddsThePartitionShapes()
    {
        var cursor = ChainCursor.Start(ChainOf(Full(properties: new Dictionary<string, string> { [ManifestProperties.TableShapePrefix + "public.orders"] = "a" })));
        var id = cursor.NextId(Start);

        cursor.Advance(id, 0x1234, [new TableShape("public.orders_2027", "c")]);

        Assert.Equal(id, cursor.LastId);
        Assert.Equal(0x1234UL, cursor.EndLsn);
        Assert.Equal("a", cursor.Shapes["public.orders"]);
        Assert.Equal("c", cursor.Shapes["public.orders_2027"]);
    }

    [Fact]
    public void Start_LastLinkWithoutEndLsn_SaysSoAndAsksForAFullBackup()
    {
        var error = Assert.Throws<BackupException>(() => ChainCursor.Start(Chain(Link(NewestLinkId, FullId, "0/50", endLsn: null))));

        Assert.Contains(NewestLinkId, error.Message, StringComparison.Ordinal);
        Assert.Contains("full backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_FullBackupWithoutEndLsn_SaysSo()
    {
        var error = Assert.Throws<BackupException>(() => ChainCursor.Start(ChainOf(Full(endLsn: null))));

        Assert.Contains(FullId, error.Message, StringComparison.Ordinal);
    }

    private static void AssertStrictlyIncreasing(List<string> ids)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"id {i} ({ids[i]}) is not after id {i - 1} ({ids[i - 1]})");
        }
    }
}
