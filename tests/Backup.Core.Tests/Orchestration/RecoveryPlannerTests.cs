using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Recovery;

namespace Backup.Core.Tests.Orchestration;

/// <summary>Which chain recovers a database to a moment.</summary>
public sealed class RecoveryPlannerTests
{
    private static readonly DateTimeOffset Day = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    // Chain A: full at 01:00, incrementals reaching 02:00 and 03:00. Chain B: full at 05:00, one incremental reaching 06:00.
    private static readonly BackupManifest[] Backups =
    [
        Full("20240501T010000000Z-0000000a", Day.AddHours(1)),
        Incremental("20240501T020000000Z-0000000b", "20240501T010000000Z-0000000a", "20240501T010000000Z-0000000a", Day.AddHours(2)),
        Incremental("20240501T030000000Z-0000000c", "20240501T010000000Z-0000000a", "20240501T020000000Z-0000000b", Day.AddHours(3)),
        Full("20240501T050000000Z-0000000d", Day.AddHours(5)),
        Incremental("20240501T060000000Z-0000000e", "20240501T050000000Z-0000000d", "20240501T050000000Z-0000000d", Day.AddHours(6)),
        Full("20240501T070000000Z-0000000f", Day.AddHours(7), database: "other"),
    ];

    [Fact]
    public void Plan_TargetInsideTheOlderChainsWindow_PicksThatChain_WithAllItsIncrementals()
    {
        var chain = RecoveryPlanner.Plan(Backups, "shop", Day.AddHours(2.5));

        Assert.Equal("20240501T010000000Z-0000000a", chain.Full.Id);
        Assert.Equal(["20240501T020000000Z-0000000b", "20240501T030000000Z-0000000c"], chain.Incrementals.Select(i => i.Id));
        Assert.Equal((Day.AddHours(1), Day.AddHours(3)), (chain.WindowStart, chain.WindowEnd));
    }

    [Fact]
    public void Plan_NoTarget_PicksTheNewestChainOfTheDatabase()
    {
        var chain = RecoveryPlanner.Plan(Backups, "shop", null);

        Assert.Equal("20240501T050000000Z-0000000d", chain.Full.Id);
        Assert.Equal(Day.AddHours(6), chain.WindowEnd);
    }

    [Fact]
    public void Plan_TargetBetweenTwoWindows_FailsNamingTheWindows()
    {
        var error = Assert.Throws<BackupException>(() => RecoveryPlanner.Plan(Backups, "shop", Day.AddHours(4)));

        Assert.Contains("2024-05-01 01:00:00Z to 2024-05-01 03:00:00Z", error.Message, StringComparison.Ordinal);
        Assert.Contains("2024-05-01 05:00:00Z to 2024-05-01 06:00:00Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chains_AMissingLink_EndsTheUsableChainThere()
    {
        var withHole = Backups.Where(b => b.Id != "20240501T020000000Z-0000000b");

        var chain = RecoveryPlanner.Plan(withHole, "shop", Day.AddHours(1));

        Assert.Empty(chain.Incrementals);
        Assert.Equal(Day.AddHours(1), chain.WindowEnd);
    }

    private static BackupManifest Full(string id, DateTimeOffset snapshot, string database = "shop") => new()
    {
        Id = id,
        Type = BackupType.Full,
        Status = BackupStatus.Completed,
        Database = database,
        StartedAt = snapshot,
        ChainId = id,
        SnapshotAt = snapshot,
    };

    private static BackupManifest Incremental(string id, string chain, string parent, DateTimeOffset reaches) => new()
    {
        Id = id,
        Type = BackupType.Incremental,
        Status = BackupStatus.Completed,
        Database = "shop",
        StartedAt = reaches,
        ChainId = chain,
        ParentId = parent,
    };
}
