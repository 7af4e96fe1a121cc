using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Scheduling;

/// <summary>
/// Schedules changed at run time and every schedule's run state, kept in the backup store so they
/// survive restarts and are shared by replicas. A schedule stored here wins over one with the same
/// id from configuration (BACKUP_SCHEDULES or <c>Backup:Schedules</c>): a run-time change — disabling
/// a configured schedule, say — must not be undone by a restart. Deleting a configured schedule
/// stores a tombstone for the same reason.
/// </summary>
internal sealed class ScheduleStore(IStorageProvider storage)
{
    private const string SchedulesPrefix = "schedules/defined/";
    private const string StatePrefix = "schedules/state/";

    /// <summary>The stored schedules (null value: deleted at run time), by id.</summary>
    public async Task<Dictionary<string, BackupSchedule?>> LoadAsync(CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, BackupSchedule?>(StringComparer.Ordinal);
        await foreach (var item in storage.ListAsync(SchedulesPrefix, cancellationToken).ConfigureAwait(false))
        {
            var entry = await ReadAsync<StoredSchedule>(item.Key, cancellationToken).ConfigureAwait(false);
            if (entry is not null)
            {
                stored[entry.Id] = entry.Deleted ? null : entry.Schedule;
            }
        }
        return stored;
    }

    /// <summary>The stored definition of one schedule: not stored (configuration's stands), deleted (Schedule null), or the schedule.</summary>
    public async Task<(bool Stored, BackupSchedule? Schedule)> LoadOneAsync(string id, CancellationToken cancellationToken) =>
        await ReadAsync<StoredSchedule>(SchedulesPrefix + id + ".json", cancellationToken).ConfigureAwait(false) is { } entry
            ? (true, entry.Deleted ? null : entry.Schedule)
            : (false, null);

    public Task SaveAsync(BackupSchedule schedule, CancellationToken cancellationToken) =>
        WriteAsync(SchedulesPrefix + schedule.Id + ".json", new StoredSchedule(schedule.Id, false, schedule), cancellationToken);

    public Task SaveDeletedAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(SchedulesPrefix + id + ".json", new StoredSchedule(id, true, null), cancellationToken);

    public async Task<ScheduleRunState> LoadStateAsync(string id, CancellationToken cancellationToken) =>
        await ReadAsync<ScheduleRunState>(StatePrefix + id + ".json", cancellationToken).ConfigureAwait(false) ?? new ScheduleRunState();

    public Task SaveStateAsync(string id, ScheduleRunState state, CancellationToken cancellationToken) =>
        WriteAsync(StatePrefix + id + ".json", state, cancellationToken);

    private Task<T?> ReadAsync<T>(string key, CancellationToken cancellationToken) => StoredJson.ReadAsync<T>(storage, key, cancellationToken);

    private Task WriteAsync<T>(string key, T value, CancellationToken cancellationToken) => StoredJson.WriteAsync(storage, key, value, cancellationToken);

    /// <summary>A stored schedule or its tombstone.</summary>
    private sealed record StoredSchedule(string Id, bool Deleted, BackupSchedule? Schedule);
}
