using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Notifications;

/// <summary>
/// The dispatcher: the seams (failed and stored backups, slot guard, drills, health) raise and
/// resolve incidents here; <see cref="IncidentTracker"/> decides what is news; the news is queued
/// and sent by every notifier in order, off the backup's path, so a slow or failing sender never
/// delays or fails a backup. One per host; disposing it gives the queue a grace period to drain.
/// </summary>
internal sealed class BackupNotifications : IAsyncDisposable, IDisposable
{
    private readonly IReadOnlyList<IBackupNotifier> _notifiers;
    private readonly IncidentTracker _incidents = new();
    private readonly Channel<BackupNotification> _queue = Channel.CreateUnbounded<BackupNotification>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _shutdownGrace;
    private readonly Task _sender;
    private int _pending;

    public BackupNotifications(IEnumerable<IBackupNotifier> notifiers, TimeProvider time, ILogger logger, TimeSpan? shutdownGrace = null)
    {
        _notifiers = [.. notifiers];
        _time = time;
        _logger = logger;
        _shutdownGrace = shutdownGrace ?? TimeSpan.FromSeconds(10);
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

    /// <summary>The incident <paramref name="key"/> is over: one message when it was open, nothing otherwise.</summary>
    public void Resolve(BackupNotificationKind kind, string key, string title, string message, string? backupId = null, IReadOnlyDictionary<string, string>? details = null)
    {
        if (!Enabled || _incidents.Resolve(key) is not { } suppressed)
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
    private async Task SendAsync(IBackupNotifier notifier, BackupNotification notification)
    {
        try
        {
            await notifier.NotifyAsync(notification, _stopping.Token).ConfigureAwait(false);
            Log.NotificationSent(_logger, notification.EventName, notification.IncidentKey, notifier.Name);
        }
        catch (Exception ex)
        {
            Log.NotificationFailed(_logger, notification.EventName, notification.IncidentKey, notifier.Name, ex is OperationCanceledException ? "cancelled at shutdown" : ex.Message);
        }
    }
}
