using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Retention;

/// <summary>
/// Decides which backups retention keeps. Rules keep backups (age, the newest good one of each type,
/// keep-last, daily, weekly, monthly); then chains are closed: an incremental that is kept keeps its
/// full backup and every earlier incremental of its chain, so no kept restore point — and no part
/// of the point-in-time window — loses what it is replayed from; a kept full keeps the file backup
/// taken with it. Pure: the same backups and time give the same plan, and planning again over
/// what a plan keeps deletes nothing more.
/// </summary>
internal static class RetentionPlanner
{
    /// <param name="backups">Every backup in the store.</param>
    /// <param name="rules">Keep-last/daily/weekly/monthly.</param>
    /// <param name="retentionDays">The age limit of one backup (per schedule or global).</param>
    /// <param name="now">The time the plan is for.</param>
    public static RetentionPlan Plan(IReadOnlyList<BackupManifest> backups, RetentionRules rules, Func<BackupManifest, int> retentionDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(backups);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(retentionDays);
        var keep = new Dictionary<string, string>(StringComparer.Ordinal);
        void Keep(BackupManifest b, string reason) => keep.TryAdd(b.Id, reason);

        var good = backups.Where(b => b.Status == BackupStatus.Completed).OrderByDescending(b => b.Id, StringComparer.Ordinal).ToList();
        foreach (var backup in good.Where(b => now - b.StartedAt <= TimeSpan.FromDays(retentionDays(b))))
        {
            Keep(backup, $"younger than {retentionDays(backup)} days");
        }
        foreach (var newest in good.GroupBy(b => b.Type).Select(g => g.First()))
        {
            Keep(newest, $"the newest good {newest.Type.ToString().ToLowerInvariant()} backup");
        }
        foreach (var type in new[] { BackupType.Full, BackupType.Files })
        {
            var points = good.Where(b => b.Type == type).ToList();
            foreach (var b in points.Take(rules.KeepLast ?? 0))
            {
                Keep(b, $"one of the last {rules.KeepLast} {type.ToString().ToLowerInvariant()} backups");
            }
            KeepNewestPerPeriod(points, rules.KeepDaily, b => b.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "daily", Keep);
            KeepNewestPerPeriod(points, rules.KeepWeekly, b => $"{ISOWeek.GetYear(b.StartedAt.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(b.StartedAt.UtcDateTime):D2}", "weekly", Keep);
            KeepNewestPerPeriod(points, rules.KeepMonthly, b => b.StartedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), "monthly", Keep);
        }

        // Chains: a kept incremental needs its full backup and every incremental before it.
        foreach (var incremental in good.Where(b => b.Type == BackupType.Incremental && keep.ContainsKey(b.Id)).ToList())
        {
            foreach (var needed in good.Where(b => b.ChainId == incremental.ChainId && string.CompareOrdinal(b.Id, incremental.Id) < 0 && (b.Type == BackupType.Full || b.Type == BackupType.Incremental)))
            {
                Keep(needed, $"needed to replay the kept incremental {incremental.Id}");
            }
        }
        foreach (var full in good.Where(b => b.Type == BackupType.Full && b.FileBackupId is not null && keep.ContainsKey(b.Id)).ToList())
        {
            if (good.FirstOrDefault(b => b.Id == full.FileBackupId) is { } files)
            {
                Keep(files, $"the files of the kept full backup {full.Id}");
            }
        }
        // An incremental whose full backup is gone (or failed) cannot be replayed: it goes, and nothing depends on it.
        foreach (var orphan in good.Where(b => b.Type == BackupType.Incremental && keep.ContainsKey(b.Id) && !good.Any(f => f.Id == b.ChainId && f.Type == BackupType.Full)).ToList())
        {
            keep.Remove(orphan.Id);
        }
        foreach (var failed in backups.Where(b => b.Status != BackupStatus.Completed && now - b.StartedAt <= TimeSpan.FromDays(retentionDays(b))))
        {
            Keep(failed, "a recent failure, kept as a record");
        }

        var kept = backups.Where(b => keep.ContainsKey(b.Id)).OrderByDescending(b => b.Id, StringComparer.Ordinal).Select(b => new RetentionDecision(b, keep[b.Id])).ToList();
        var deleted = backups.Where(b => !keep.ContainsKey(b.Id))
            .OrderBy(b => b.Type == BackupType.Incremental ? 0 : 1).ThenByDescending(b => b.Id, StringComparer.Ordinal)
            .Select(b => new RetentionDecision(b, DeleteReason(b, retentionDays(b), good)))
            .ToList();
        return new RetentionPlan(kept, deleted);
    }

    private static void KeepNewestPerPeriod(List<BackupManifest> newestFirst, int? periods, Func<BackupManifest, string> period, string name, Action<BackupManifest, string> keep)
    {
        if (periods is not > 0)
        {
            return;
        }
        foreach (var group in newestFirst.GroupBy(period).Take(periods.Value))
        {
            keep(group.First(), $"{name}: the newest of {group.Key}");
        }
    }

    private static string DeleteReason(BackupManifest backup, int days, List<BackupManifest> good) =>
        backup.Status != BackupStatus.Completed ? $"a failure older than {days} days"
        : backup.Type == BackupType.Incremental && !good.Any(f => f.Id == backup.ChainId && f.Type == BackupType.Full) ? "an incremental whose full backup is gone"
        : $"older than {days} days and no rule keeps it";
}
