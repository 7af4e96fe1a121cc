using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backup.Core.Scheduling;

/// <summary>
/// Runs cron schedules in the host (a <see cref="BackgroundService"/>) and manages them
/// (<see cref="IScheduler"/>). Schedules come from configuration (BACKUP_SCHEDULES,
/// <c>Backup:Schedules</c>) and from run-time calls; run-time changes are stored and win
/// (<see cref="ScheduleStore"/>). No overlap: an occurrence that comes while the previous run is
/// still going is skipped and counted. An occurrence missed while no host ran is caught up once at
/// start within <see cref="SchedulerOptions.CatchUpGrace"/>. Each occurrence runs once across
/// replicas: a run holds the schedule's lock (<see cref="IScheduleRunLock"/>) and skips an
/// occurrence the stored run state says is done. Stopping waits for running backups
/// (<see cref="SchedulerOptions.ShutdownTimeout"/>), then cancels them.
/// </summary>
internal sealed class BackupScheduler : BackgroundService, IScheduler
{
    private readonly IReadOnlyList<BackupSchedule> _configured;
    private readonly ScheduleStore _store;
    private readonly IScheduledBackupRunner _runner;
    private readonly IScheduleRunLock _lock;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _runs = new();
    private CancellationTokenSource _changed = new();
    private bool _loaded;

    /// <summary>Creates the scheduler.</summary>
    public BackupScheduler(
        IOptions<BackupOptions> backup, IOptions<SchedulerOptions> options, IStorageProvider storage, IScheduledBackupRunner runner,
        IScheduleRunLock runLock, TimeProvider time, ILogger<BackupScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(backup);
        ArgumentNullException.ThrowIfNull(options);
        _configured = [.. backup.Value.Schedules];
        _store = new ScheduleStore(storage);
        _runner = runner;
        _lock = runLock;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<BackupSchedule> CreateScheduleAsync(BackupSchedule schedule, CancellationToken cancellationToken = default)
    {
        var cron = ScheduleValidator.Validate(schedule);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        lock (_entries)
        {
            if (_entries.ContainsKey(schedule.Id))
            {
                throw new BackupConfigurationException("id", $"A schedule with id '{schedule.Id}' exists already; update it instead.");
            }
        }
        await _store.SaveAsync(schedule, cancellationToken).ConfigureAwait(false);
        Put(schedule, cron, await _store.LoadStateAsync(schedule.Id, cancellationToken).ConfigureAwait(false));
        return schedule;
    }

    /// <inheritdoc />
    public async Task<BackupSchedule> UpdateScheduleAsync(BackupSchedule schedule, CancellationToken cancellationToken = default)
    {
        var cron = ScheduleValidator.Validate(schedule);
        var existing = await RequireAsync(schedule.Id, cancellationToken).ConfigureAwait(false);
        await _store.SaveAsync(schedule, cancellationToken).ConfigureAwait(false);
        Put(schedule, cron, existing.State);
        return schedule;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        lock (_entries)
        {
            if (!_entries.Remove(scheduleId))
            {
                return false;
            }
        }
        await _store.SaveDeletedAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        Changed();
        return true;
    }

    /// <inheritdoc />
    public Task<BackupSchedule> EnableScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => SetEnabledAsync(scheduleId, true, cancellationToken);

    /// <inheritdoc />
    public Task<BackupSchedule> DisableScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => SetEnabledAsync(scheduleId, false, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="BackupInProgressException">The schedule is running now.</exception>
    public async Task<string> ForceRunScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        var entry = await RequireAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        Task<string?> run;
        lock (_entries)
        {
            if (entry.Running is { IsCompleted: false })
            {
                throw new BackupInProgressException($"The schedule '{scheduleId}' is running now; wait for it to end.");
            }
            run = RunAsync(entry, _time.GetUtcNow(), forced: true);
            entry.Running = run;
        }
        return await run.WaitAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new BackupException($"The schedule '{scheduleId}' could not run: {entry.State.LastResult}");
    }

    /// <inheritdoc />
    public async Task<BackupSchedule?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        lock (_entries)
        {
            return _entries.TryGetValue(scheduleId, out var entry) ? entry.Schedule : null;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BackupSchedule> ListSchedulesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        List<BackupSchedule> list;
        lock (_entries)
        {
            list = [.. _entries.Values.Select(e => e.Schedule).OrderBy(s => s.Id, StringComparer.Ordinal)];
        }
        foreach (var schedule in list)
        {
            yield return schedule;
        }
    }

    /// <inheritdoc />
    public SchedulerStats GetSchedulerStats()
    {
        lock (_entries)
        {
            var active = _entries.Values.Where(e => e.Schedule.Enabled).ToList();
            return new SchedulerStats(_entries.Count, active.Count, active.Select(e => e.NextDue).Where(d => d is not null).Min());
        }
    }

    /// <inheritdoc />
    public SchedulerStatus GetDetailedStatus()
    {
        var now = _time.GetUtcNow();
        lock (_entries)
        {
            return new SchedulerStatus([.. _entries.Values.OrderBy(e => e.Schedule.Id, StringComparer.Ordinal).Select(e => new ScheduleStatus
            {
                Schedule = e.Schedule,
                State = e.State,
                NextRun = e.Schedule.Enabled ? e.NextDue : null,
                Running = e.Running is { IsCompleted: false },
                Problem = ProblemOf(e, now),
            })]);
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Task[] running;
        lock (_entries)
        {
            running = [.. _entries.Values.Select(e => e.Running).OfType<Task>().Where(t => !t.IsCompleted)];
        }
        if (running.Length == 0)
        {
            return;
        }
        Log.ScheduleWaitingForRuns(_logger, running.Length, _options.ShutdownTimeout);
        var all = Task.WhenAll(running);
        if (await Task.WhenAny(all, Task.Delay(_options.ShutdownTimeout, _time, cancellationToken)).ConfigureAwait(false) != all)
        {
            Log.ScheduleCancellingRuns(_logger);
            await _runs.CancelAsync().ConfigureAwait(false);
        }
        await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _runs.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        await EnsureLoadedAsync(stoppingToken).ConfigureAwait(false);
        CatchUp();
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationTokenSource changed;
            DateTimeOffset? next;
            lock (_entries)
            {
                changed = _changed;
                next = _entries.Values.Where(e => e.Schedule.Enabled).Select(e => e.NextDue).Where(d => d is not null).Min();
            }
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, changed.Token);
            var delay = next is null ? Timeout.InfiniteTimeSpan : (next.Value - _time.GetUtcNow()) is { } d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
            // A timer measures elapsed time, occurrences are wall-clock times: the clock may have moved since
            // the delay was computed (a VM resumed, NTP stepped it), so the due time is looked at again at least every minute.
            if (delay == Timeout.InfiniteTimeSpan || delay > RecheckInterval)
            {
                delay = RecheckInterval;
            }
            await Task.Delay(delay, _time, wake.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            FireDue(_time.GetUtcNow());
        }
    }

    private void FireDue(DateTimeOffset now)
    {
        lock (_entries)
        {
            foreach (var entry in _entries.Values.Where(e => e.Schedule.Enabled && e.NextDue <= now))
            {
                var occurrence = entry.NextDue!.Value;
                entry.NextDue = entry.Cron.Next(now);
                Fire(entry, occurrence);
            }
        }
    }

    // Called under the lock.
    private void Fire(Entry entry, DateTimeOffset occurrence)
    {
        if (entry.Running is { IsCompleted: false })
        {
            entry.State = entry.State with { SkippedOverlaps = entry.State.SkippedOverlaps + 1 };
            Log.ScheduleSkippedOverlap(_logger, entry.Schedule.Id, occurrence);
            return;
        }
        entry.Running = RunAsync(entry, occurrence, forced: false);
    }

    // An occurrence missed while no host ran: caught up once within the grace, otherwise counted and logged.
    private void CatchUp()
    {
        var now = _time.GetUtcNow();
        lock (_entries)
        {
            foreach (var entry in _entries.Values.Where(e => e.Schedule.Enabled && e.State.LastOccurrence is not null))
            {
                if (entry.Cron.LatestBetween(entry.State.LastOccurrence!.Value, now) is not { } missed)
                {
                    continue;
                }
                if (now - missed <= _options.CatchUpGrace)
                {
                    Log.ScheduleCatchingUp(_logger, entry.Schedule.Id, missed);
                    Fire(entry, missed);
                }
                else
                {
                    entry.State = entry.State with { MissedRuns = entry.State.MissedRuns + 1 };
                    Log.ScheduleMissed(_logger, entry.Schedule.Id, missed, _options.CatchUpGrace);
                }
            }
        }
    }

    // Returns the backup id, or null when the run failed, or was not needed (another replica ran it).
    private async Task<string?> RunAsync(Entry entry, DateTimeOffset occurrence, bool forced)
    {
        await Task.Yield();
        var id = entry.Schedule.Id;
        try
        {
            var held = await _lock.TryAcquireAsync(id, _runs.Token).ConfigureAwait(false);
            if (held is null)
            {
                Log.ScheduleRunningElsewhere(_logger, id, occurrence);
                return null;
            }
            await using (held.ConfigureAwait(false))
            {
                var state = await _store.LoadStateAsync(id, _runs.Token).ConfigureAwait(false);
                if (!forced && state.LastOccurrence >= occurrence)
                {
                    Log.ScheduleAlreadyRun(_logger, id, occurrence);
                    return null;
                }
                // Another replica may have disabled, changed or deleted the schedule since this one loaded it.
                if (await CurrentDefinitionAsync(entry, forced).ConfigureAwait(false) is not { } current)
                {
                    return null;
                }
                entry = current;
                var started = _time.GetUtcNow();
                Log.ScheduleRunStarting(_logger, id, occurrence);
                string? backupId = null;
                string result;
                try
                {
                    backupId = await _runner.RunAsync(new ScheduledRun(entry.Schedule, RetentionDaysBySchedule), _runs.Token).ConfigureAwait(false);
                    result = backupId;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || _runs.IsCancellationRequested)
                {
                    result = ex is OperationCanceledException ? "cancelled at shutdown" : ex.Message;
                    Log.ScheduleRunFailed(_logger, id, result);
                }
                var kept = entry.State;
                state = state with
                {
                    LastOccurrence = occurrence,
                    LastStartedAt = started,
                    LastDuration = _time.GetUtcNow() - started,
                    LastSucceeded = backupId is not null,
                    LastResult = result,
                    ConsecutiveFailures = backupId is not null ? 0 : state.ConsecutiveFailures + 1,
                    SkippedOverlaps = kept.SkippedOverlaps,
                    MissedRuns = kept.MissedRuns,
                };
                await _store.SaveStateAsync(id, state, CancellationToken.None).ConfigureAwait(false);
                lock (_entries)
                {
                    entry.State = state with { SkippedOverlaps = entry.State.SkippedOverlaps, MissedRuns = entry.State.MissedRuns };
                }
                return backupId;
            }
        }
        catch (Exception ex) when (ex is BackupException or IOException or OperationCanceledException or Npgsql.NpgsqlException)
        {
            // The lock or the state could not be reached (database or store down): the next occurrence tries again.
            Log.ScheduleRunFailed(_logger, id, ex.Message);
            lock (_entries)
            {
                entry.State = entry.State with { LastResult = ex.Message, LastSucceeded = false, ConsecutiveFailures = entry.State.ConsecutiveFailures + 1 };
            }
            return null;
        }
    }

    // The schedule as stored now, read under its run lock; null when it must not run (deleted, or
    // disabled and not forced), and then this replica's copy follows the store.
    private async Task<Entry?> CurrentDefinitionAsync(Entry entry, bool forced)
    {
        var id = entry.Schedule.Id;
        var (stored, schedule) = await _store.LoadOneAsync(id, _runs.Token).ConfigureAwait(false);
        if (!stored || (schedule is not null && SameDefinition(schedule, entry.Schedule)))
        {
            return schedule is null || schedule.Enabled || forced ? entry : null;
        }
        Log.ScheduleChangedElsewhere(_logger, id, schedule is null ? "deleted" : schedule.Enabled ? "changed" : "disabled");
        if (schedule is null)
        {
            lock (_entries)
            {
                if (_entries.TryGetValue(id, out var mine) && ReferenceEquals(mine, entry))
                {
                    _entries.Remove(id);
                }
            }
            Changed();
            return null;
        }
        var current = Put(schedule, ScheduleValidator.Validate(schedule), entry.State);
        return schedule.Enabled || forced ? current : null;
    }

    // Retention after a run keeps every schedule's backups for that schedule's own days, so the run needs all of them.
    private Dictionary<string, int> RetentionDaysBySchedule()
    {
        lock (_entries)
        {
            return _entries.Values
                .Where(e => e.Schedule.Options.RetentionDays is not null)
                .ToDictionary(e => e.Schedule.Id, e => e.Schedule.Options.RetentionDays!.Value, StringComparer.Ordinal);
        }
    }

    // Records with lists compare lists by reference: compare what is stored instead.
    private static bool SameDefinition(BackupSchedule a, BackupSchedule b) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(a, Catalog.ManifestJson.Options).AsSpan()
            .SequenceEqual(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(b, Catalog.ManifestJson.Options));

    private string? ProblemOf(Entry entry, DateTimeOffset now)
    {
        if (!entry.Schedule.Enabled)
        {
            return null;
        }
        if (entry.State.ConsecutiveFailures >= _options.FailuresBeforeUnhealthy)
        {
            return $"failed {entry.State.ConsecutiveFailures} times in a row; last: {entry.State.LastResult}";
        }
        // The latest occurrence that should have run by now (allowing for a run's start-up) must have run.
        var since = entry.State.LastOccurrence ?? entry.Since;
        if (entry.Cron.LatestBetween(since, now - _options.OverdueAfter) is { } due && entry.Running is not { IsCompleted: false })
        {
            return $"overdue: the run due at {due:u} has not happened";
        }
        return null;
    }

    private async Task<Entry> RequireAsync(string scheduleId, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        lock (_entries)
        {
            return _entries.TryGetValue(scheduleId, out var entry) ? entry : throw new ScheduleNotFoundException($"There is no schedule with id '{scheduleId}'.");
        }
    }

    private async Task<BackupSchedule> SetEnabledAsync(string scheduleId, bool enabled, CancellationToken cancellationToken)
    {
        var entry = await RequireAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        var schedule = entry.Schedule with { Enabled = enabled };
        await _store.SaveAsync(schedule, cancellationToken).ConfigureAwait(false);
        Put(schedule, entry.Cron, entry.State);
        return schedule;
    }

    // Configured schedules, overridden (or deleted) by stored ones; each with its stored run state.
    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            if (_loaded)
            {
                return;
            }
        }
        var merged = _configured.ToDictionary(s => s.Id, s => (BackupSchedule?)s, StringComparer.Ordinal);
        foreach (var (id, stored) in await _store.LoadAsync(cancellationToken).ConfigureAwait(false))
        {
            merged[id] = stored;
        }
        var loaded = new List<(BackupSchedule, CronSchedule, ScheduleRunState)>();
        foreach (var schedule in merged.Values.OfType<BackupSchedule>())
        {
            loaded.Add((schedule, ScheduleValidator.Validate(schedule), await _store.LoadStateAsync(schedule.Id, cancellationToken).ConfigureAwait(false)));
        }
        lock (_entries)
        {
            if (_loaded)
            {
                return;
            }
            foreach (var (schedule, cron, state) in loaded)
            {
                _entries[schedule.Id] = new Entry(schedule, cron, state, _time.GetUtcNow());
            }
            _loaded = true;
        }
        Changed();
    }

    private Entry Put(BackupSchedule schedule, CronSchedule cron, ScheduleRunState state)
    {
        Entry entry;
        lock (_entries)
        {
            var running = _entries.TryGetValue(schedule.Id, out var old) ? old.Running : null;
            entry = _entries[schedule.Id] = new Entry(schedule, cron, state, old?.Since ?? _time.GetUtcNow()) { Running = running };
        }
        Changed();
        return entry;
    }

    // Wakes the loop to recompute the next occurrence.
    private void Changed()
    {
        CancellationTokenSource old;
        lock (_entries)
        {
            old = _changed;
            _changed = new CancellationTokenSource();
        }
        old.Cancel();
        old.Dispose();
    }

    /// <summary>A schedule as the scheduler holds it.</summary>
    private sealed class Entry(BackupSchedule schedule, CronSchedule cron, ScheduleRunState state, DateTimeOffset since)
    {
        public BackupSchedule Schedule { get; } = schedule;
        public CronSchedule Cron { get; } = cron;
        public ScheduleRunState State { get; set; } = state;

        /// <summary>When this process started watching it (for overdue checks of a schedule that never ran).</summary>
        public DateTimeOffset Since { get; } = since;

        public DateTimeOffset? NextDue { get; set; } = cron.Next(since);
        public Task<string?>? Running { get; set; }
    }
}
