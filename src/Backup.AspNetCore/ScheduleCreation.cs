using Backup.Core.Abstractions;
using Microsoft.AspNetCore.Http;

namespace Backup.AspNetCore;

/// <summary>Creating a schedule through the API: an id in use is a conflict (409), not a bad field.</summary>
internal static class ScheduleCreation
{
    public static async Task<BackupSchedule> CreateAsync(IScheduler scheduler, BackupSchedule schedule, CancellationToken cancellationToken)
    {
        if (await scheduler.GetScheduleAsync(schedule.Id, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw Conflict(schedule.Id);
        }
        try
        {
            return await scheduler.CreateScheduleAsync(schedule, cancellationToken).ConfigureAwait(false);
        }
        // Another request created it between the look-up and now: the scheduler refuses it by its id field.
        catch (BackupConfigurationException ex) when (ex.Setting == "id")
        {
            if (await scheduler.GetScheduleAsync(schedule.Id, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw Conflict(schedule.Id);
            }
            throw;
        }
    }

    private static BackupRequestException Conflict(string id) =>
        new(StatusCodes.Status409Conflict, "The schedule exists", $"A schedule with id '{id}' exists already; change it with PUT schedules/{id}.");
}
