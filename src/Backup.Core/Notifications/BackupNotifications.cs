using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Notifications;

/// <summary>
/// The dispatcher: the seams (failed and stored backups, slot guard, drills, health) raise and
/// resolve incidents here; <see cref="IncidentTracker"/> decides what is news; the news is queued
/// and sent by every notifier in order, off the backup's path, so a slow or failing sender never
/// delays or fails a backup. A notifier gets a time limit per message, so a stuck one cannot hold
/// back the others, and the queue is bounded (the oldest message goes first), so an outage cannot
/// grow memory without end. One per host; disposing it gives the queue a grace period to drain.
/// </summary>
internal sealed class BackupNotifications : IAsyncDisposable, IDisposable
{
    private readonly IReadOnlyList<IBackupNotifier> _notifiers;
    private readonly IncidentTracker _incidents = new();
    // Deciding (the tracker) and queueing under one lock: otherwise a Resolve between a Raise's two
    // steps would queue "resolved" before "failing", and the receiver would believe it still fails.
    private readonly Lock _order = new();
    private readonly Channel<BackupNotification> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _shutdownGrace;
    private readonly TimeSpan _notifierTimeout;
    private readonly Task _sender;
    private int _pending;

    /// <param name="notifiers">The senders, asked in order.</param>
    /// <param name="time">The clock of the messages and of the time limit.</param>
    /// <param name="logger">Where failures, time-outs and dropped messages are logged.</param>
    /// <param name="shutdownGrace">How long disposal waits for the queue to drain (10 s).</param>
    /// <param name="notifierTimeout">How long one notifier may take for one message (2 minutes).</param>
    /// <param name="capacity">Messages that may wait; beyond that the oldest is dropped and logged.</param>
    public BackupNotifications(IEnumerable<IBackupNotifier> notifiers, TimeProvider time, ILogger logger, TimeSpan? shutdownGrace = null, TimeSpan? notifierTimeout = null, int capacity = 1000)
    {
        _notifiers = [.. notifiers];
        _time = time;
        _logger = logger;
        _shutdownGrace = shutdownGrace ?? TimeSpan.FromSeconds(10);
        _notifierTimeout = notifierTimeout ?? TimeSpan.FromMinutes(2);
        _queue = Channel.CreateBounded<BackupNotification>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            dropped =>
            {
                Interlocked.Decrement(ref _pending);
                Log.NotificationDropped(_logger, capacity, dropped.EventName, dropped.IncidentKey);
            });
        _sender = _notifiers.Count == 0 ? Task.CompletedTask : Task.Run(SendAllAsync);
    }

    /// <summary>Nobody to notify: every call is a no-op (the composition without notifiers).</summary>
    public static BackupNotifications None(TimeProvider time, ILogger logger) => new([], time, logger);

    /// <summary>Whether any notifier is registered.</summary>
    public bool Enabled => _notifiers.Count > 0;

    /// <summary>Messages raised and not yet handed to every notifier.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// The incident <paramref name="key"/> is going on in <paramref name="state"/>: sent when it opens
    /// or its state changes, suppressed when it repeats.
    /// </summary>
    public void Raise(BackupNotificationKind kind, string key, string state, string title, string message, string? backupId = null, IReadOnlyDictionary<string, string>? details = null)
    {
        if (!Enabled)
        {
            return;
        }
        lock (_order)
        {
            if (!_incidents.Raise(key, state))
            {
                Log.NotificationSuppressed(_logger, key);
                return;
            }
            Enqueue(new BackupNotification
            {
                Kind = kind,
                IncidentKey = key,
                Title = title,
                Message = message,
                OccurredAt = _time.GetUtcNow(),
                BackupId = backupId,
                Details = details ?? new Dictionary<string, string>(StringComparer.Ordinal),
            });
        }
    }

    /// <summary>The incident <paramref name="key"/> is over: one message when it was open, nothing otherwise.</summary>
    public void Resolve(BackupNotificationKind kind, string key, string title, string message, string? backupId = null, IReadOnlyDictionary<string, string>? details = null)
    {
        if (!Enabled)
        {
            return;
        }
        lock (_order)
        {
            if (_incidents.Resolve(key) is not { } suppressed)
            {
                return;
            }
            Enqueue(new BackupNotification
            {
                Kind = kind,
                IncidentKey = key,
                Resolved = true,
                Title = title,
                Message = message,
                OccurredAt = _time.GetUtcNow(),
                BackupId = backupId,
                SuppressedRepeats = suppressed,
                Details = details ?? new Dictionary<string, string>(StringComparer.Ordinal),
            });
        }
    }

    /// <summary>Waits until every message raised so far was handed to every notifier (tests, and hosts before they exit).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (Pending > 0 && !_sender.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// For containers disposed synchronously (<c>using var provider = services.BuildServiceProvider()</c>),
    /// which refuse a singleton that is only asynchronously disposable: the same drain, waited for.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_queue.Writer.TryComplete())
        {
            return;
        }
        try
        {
            await _sender.WaitAsync(_shutdownGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.NotificationsLeftAtShutdown(_logger, Pending, _shutdownGrace.TotalSeconds);
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Enqueue(BackupNotification notification)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(notification))
        {
            // Only after disposal: the host is going down and the message would have no sender.
            Interlocked.Decrement(ref _pending);
            Log.NotificationsLeftAtShutdown(_logger, 1, 0);
        }
    }

    private async Task SendAllAsync()
    {
        await foreach (var notification in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (var notifier in _notifiers)
            {
                await SendAsync(notifier, notification).ConfigureAwait(false);
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    // A notifier's failure is its own: logged (by its name, never its URL or credentials) and the next one is asked.
    // Past the time limit it is left behind (its token cancelled, in case it listens) and the next one is asked too.
    private async Task SendAsync(IBackupNotifier notifier, BackupNotification notification)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        Task? sending = null;
        try
        {
            sending = notifier.NotifyAsync(notification, call.Token);
            await sending.WaitAsync(_notifierTimeout, _time).ConfigureAwait(false);
            Log.NotificationSent(_logger, notification.EventName, notification.IncidentKey, notifier.Name);
        }
        catch (TimeoutException) when (sending is { IsCompleted: false })
        {
            await call.CancelAsync().ConfigureAwait(false);
            Log.NotificationFailed(_logger, notification.EventName, notification.IncidentKey, notifier.Name, $"no answer within {_notifierTimeout.TotalSeconds:0.#} s (NotifierTimeout); given up");
        }
        catch (Exception ex)
        {
            Log.NotificationFailed(_logger, notification.EventName, notification.IncidentKey, notifier.Name, ex is OperationCanceledException ? "cancelled at shutdown" : ex.Message);
        }
    }
}
