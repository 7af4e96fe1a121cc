using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Retention;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Retention;

/// <summary>Retention never breaks what it keeps, whatever the history and the rules.</summary>
public class RetentionPlannerProperties
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One generated event, oldest first: a full backup (starting a chain), an incremental of the newest chain, or a file backup; maybe failed.</summary>
    public sealed record HistoryStep(int Kind, bool Failed, int HoursAfterPrevious, bool WithFiles);

    private static readonly Gen<HistoryStep> Events =
        from kind in Gen.Frequency((2, Gen.Constant(0)), (5, Gen.Constant(1)), (1, Gen.Constant(2)))
        from failed in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        from hours in Gen.Choose(1, 30 * 24)
        from files in ArbMap.Default.GeneratorFor<bool>()
        select new HistoryStep(kind, failed, hours, files);

    private static readonly Gen<RetentionRules> Rules =
        from last in Gen.Choose(0, 4)
        from daily in Gen.Choose(0, 7)
        from weekly in Gen.Choose(0, 4)
        from monthly in Gen.Choose(0, 6)
        select new RetentionRules { KeepLast = last == 0 ? null : last, KeepDaily = daily == 0 ? null : daily, KeepWeekly = weekly == 0 ? null : weekly, KeepMonthly = monthly == 0 ? null : monthly };

    private static Arbitrary<(List<BackupManifest>, RetentionRules, int)> Cases =>
        (from events in Gen.ListOf(Events)
         from rules in Rules
         from days in Gen.Choose(1, 60)
         select (History(events), rules, days)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property NewestGoodBackup_AndEveryChainAKeptIncrementalNeeds_AreKept() =>
        Prop.ForAll(Cases, c =>
        {
            var (backups, rules, days) = c;
            var plan = RetentionPlanner.Plan(backups, rules, _ => days, Now);
            var kept = plan.Kept.Select(k => k.Backup.Id).ToHashSet();
            var good = backups.Where(b => b.Status == BackupStatus.Completed).ToList();
            var newestFull = good.Where(b => b.Type == BackupType.Full).MaxBy(b => b.Id);
            var chainsIntact = good.Where(b => b.Type == BackupType.Incremental && kept.Contains(b.Id)).All(i =>
                kept.Contains(i.ChainId!) && good.Where(p => p.ChainId == i.ChainId && string.CompareOrdinal(p.Id, i.Id) < 0).All(p => kept.Contains(p.Id)));
            return (newestFull is null || kept.Contains(newestFull.Id)) && chainsIntact
                && plan.Kept.Count + plan.Deleted.Count == backups.Count;
        });

    [Property(MaxTest = 300)]
    public Property ApplyingThePolicyTwice_DeletesNothingMore() =>
        Prop.ForAll(Cases, c =>
        {
            var (backups, rules, days) = c;
            var first = RetentionPlanner.Plan(backups, rules, _ => days, Now);
            var second = RetentionPlanner.Plan([.. first.Kept.Select(k => k.Backup)], rules, _ => days, Now);
            return second.Deleted.Count == 0;
        });

    [Property(MaxTest = 300)]
    public Property NoIncrementalIsLeftWhoseFullIsGone_AndIncrementalsGoFirst() =>
        Prop.ForAll(Cases, c =>
        {
            var (backups, rules, days) = c;
            var plan = RetentionPlanner.Plan(backups, rules, _ => days, Now);
            var keptFulls = plan.Kept.Where(k => k.Backup.Type == BackupType.Full && k.Backup.Status == BackupStatus.Completed).Select(k => k.Backup.Id).ToHashSet();
            var orphans = plan.Kept.Where(k => k.Backup.Type == BackupType.Incremental && k.Backup.Status == BackupStatus.Completed && !keptFulls.Contains(k.Backup.ChainId!));
            var firstNonIncremental = plan.Deleted.ToList().FindIndex(d => d.Backup.Type != BackupType.Incremental);
            var incrementalsFirst = firstNonIncremental < 0 || plan.Deleted.Skip(firstNonIncremental).All(d => d.Backup.Type != BackupType.Incremental);
            return !orphans.Any() && incrementalsFirst;
        });

    [Fact]
    public void Plan_SaysWhyEachBackupIsKeptOrDeleted()
    {
        // Chain A 40 days before now, chain B 1 hour before now.
        var backups = History([new HistoryStep(0, false, 1, false), new HistoryStep(1, false, 1, false), new HistoryStep(0, false, 24 * 40, false), new HistoryStep(1, false, 1, false)]);

        var plan = RetentionPlanner.Plan(backups, new RetentionRules(), _ => 7, Now);
        var muchLater = RetentionPlanner.Plan(backups, new RetentionRules(), _ => 7, Now.AddDays(30));

        Assert.Equal(["older than 7 days and no rule keeps it", "older than 7 days and no rule keeps it"], plan.Deleted.Select(d => d.Reason));
        Assert.Equal(BackupType.Incremental, plan.Deleted[0].Backup.Type);
        Assert.All(plan.Kept, k => Assert.Equal("younger than 7 days", k.Reason));
        // When every backup is old, the newest of each kind stays, and the incremental keeps its full backup.
        Assert.Equal(["the newest good incremental backup", "the newest good full backup"], muchLater.Kept.Select(k => k.Reason));
    }

    // Builds manifests from events, oldest first, ending near Now; incrementals chain to the newest full.
    private static List<BackupManifest> History(IReadOnlyList<HistoryStep> events)
    {
        var total = events.Sum(e => e.HoursAfterPrevious);
        var at = Now.AddHours(-total);
        var backups = new List<BackupManifest>();
        string? chain = null;
        string? parent = null;
        var n = 0;
        foreach (var e in events)
        {
            at = at.AddHours(e.HoursAfterPrevious);
            var id = $"{at.UtcDateTime:yyyyMMdd'T'HHmmss}{n++:D3}Z-{n:x8}";
            var status = e.Failed ? BackupStatus.Failed : BackupStatus.Completed;
            switch (e.Kind)
            {
                case 0:
                    string? files = null;
                    if (e.WithFiles && !e.Failed)
                    {
                        files = id[..^1] + "f";
                        backups.Add(new BackupManifest { Id = files, Type = BackupType.Files, Status = BackupStatus.Completed, StartedAt = at });
                    }
                    backups.Add(new BackupManifest { Id = id, Type = BackupType.Full, Status = status, StartedAt = at, ChainId = id, FileBackupId = files });
                    if (!e.Failed)
                    {
                        (chain, parent) = (id, id);
                    }
                    break;
                case 1 when chain is not null:
                    backups.Add(new BackupManifest { Id = id, Type = BackupType.Incremental, Status = status, StartedAt = at, ChainId = chain, ParentId = parent });
                    if (!e.Failed)
                    {
                        parent = id;
                    }
                    break;
                case 2:
                    backups.Add(new BackupManifest { Id = id, Type = BackupType.Files, Status = status, StartedAt = at });
                    break;
            }
        }
        return backups;
    }
}
