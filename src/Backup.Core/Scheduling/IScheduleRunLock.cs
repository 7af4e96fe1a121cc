namespace Backup.Core.Scheduling;

/// <summary>
/// Makes one replica at a time run a schedule. Together with the run state in the store (the last
/// occurrence run), each occurrence runs exactly once however many replicas of the host are up.
/// </summary>
internal interface IScheduleRunLock
{
    /// <summary>Takes the schedule's lock, or returns null at once when another holder has it.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string scheduleId, CancellationToken cancellationToken);
}
