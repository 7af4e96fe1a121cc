using Backup.Core.Abstractions;

namespace Backup.AspNetCore;

/// <summary>Schedules with their status, from the scheduler's own status (its health rules are not repeated here).</summary>
internal static class ScheduleResponses
{
    public static async Task<IReadOnlyList<ScheduleResponse>> ListAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        // Listing loads the schedules from the store first; the status then knows each of them.
        var schedules = await scheduler.ListSchedulesAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var statuses = Statuses(scheduler);
        return [.. schedules.Select(s => Of(s, statuses.GetValueOrDefault(s.Id)))];
    }

    public static async Task<ScheduleResponse?> GetAsync(IScheduler scheduler, string scheduleId, CancellationToken cancellationToken) =>
        await scheduler.GetScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false) is { } schedule
            ? Of(schedule, Statuses(scheduler).GetValueOrDefault(schedule.Id))
            : null;

    public static ScheduleResponse Of(IScheduler scheduler, BackupSchedule schedule) => Of(schedule, Statuses(scheduler).GetValueOrDefault(schedule.Id));

    private static Dictionary<string, ScheduleStatus> Statuses(IScheduler scheduler) =>
        scheduler.GetDetailedStatus().Schedules.ToDictionary(s => s.Schedule.Id, StringComparer.Ordinal);

    private static ScheduleResponse Of(BackupSchedule schedule, ScheduleStatus? status) => new()
    {
        Id = schedule.Id,
        Name = schedule.Name,
        Type = schedule.Type,
        CronExpression = schedule.CronExpression,
        TimeZone = schedule.TimeZone,
        Enabled = schedule.Enabled,
        Options = schedule.Options,
        NextRun = status?.NextRun,
        Running = status?.Running ?? false,
        // A run that failed before it started records its outcome without a start time.
        LastRun = status?.State is { } state && (state.LastStartedAt is not null || state.LastSucceeded is not null)
            ? new ScheduleLastRun
            {
                StartedAt = state.LastStartedAt,
                Outcome = state.LastSucceeded switch { true => "succeeded", false => "failed", null => null },
                Result = ScheduleRunText.Result(state),
                DurationSeconds = state.LastDuration?.TotalSeconds,
                ConsecutiveFailures = state.ConsecutiveFailures,
            }
            : null,
        Health = Health(status?.Problem),
        Problem = ScheduleRunText.Problem(status),
    };

    // The scheduler decides health (too many failures first, then an owed run) and says which in
    // its problem text; the API names the kind without judging again.
    private static string Health(string? problem) =>
        problem is null ? "ok"
        : problem.StartsWith("overdue", StringComparison.Ordinal) ? "overdue"
        : "failing";
}
