using Backup.Core.Notifications;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Core.Tests.Notifications;

/// <summary>The dispatcher: a stuck sender, a full queue, and raise/resolve racing each other.</summary>
public sealed class BackupNotificationsTests
{
    [Fact]
    public async Task StuckNotifier_IsGivenUpAfterItsTimeLimit_TheNextOneStillSends_AndItIsLogged()
    {
        var logger = new RecordingLogger();
        var stuck = new Stuck();
        var after = new Recording();
        await using var notifications = new BackupNotifications([stuck, after], TimeProvider.System, logger, notifierTimeout: TimeSpan.FromMilliseconds(200));

        notifications.Raise(BackupNotificationKind.BackupFailed, "backup-failed:full/manual", "failed", "t", "m");
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await notifications.FlushAsync(wait.Token);

        Assert.Equal(["backup-failed"], after.Events);
        Assert.True(stuck.Cancelled.Task.Wait(TimeSpan.FromSeconds(5)), "the abandoned call's token is cancelled");
        Assert.Contains(logger.WithId(1601), e => e.Message.Contains("stuck", StringComparison.Ordinal) && e.Message.Contains("NotifierTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FullQueue_DropsTheOldest_AndSaysSo()
    {
        var logger = new RecordingLogger();
        var gate = new Gated();
        await using var notifications = new BackupNotifications([gate], TimeProvider.System, logger, capacity: 2);

        // The first is taken by the sender and held; three more wait in a queue of two.
        notifications.Raise(BackupNotificationKind.BackupFailed, "k0", "failed", "t", "m");
        await gate.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 1; i <= 3; i++)
        {
            notifications.Raise(BackupNotificationKind.BackupFailed, $"k{i}", "failed", "t", "m");
        }
        Assert.Equal(3, notifications.Pending);
        gate.Open.SetResult();
        await notifications.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["k0", "k2", "k3"], gate.Incidents);
        var dropped = Assert.Single(logger.WithId(1606));
        Assert.Contains("k1", dropped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RaiseAndResolve_Racing_AreSentInTheOrderTheTrackerDecided()
    {
        var sent = new Recording();
        await using var notifications = new BackupNotifications([sent], new SlowForRaiser(), NullLogger.Instance, capacity: 10_000);

        // The raiser's clock is read between deciding and queueing and is slow: the window a Resolve
        // from another thread used to slip into, queueing "resolved" before the "failing" it ends.
        for (var round = 0; round < 50; round++)
        {
            var start = new Barrier(2);
            var raiser = Task.Run(() =>
            {
                start.SignalAndWait();
                SlowForRaiser.Slow = true;
                notifications.Raise(BackupNotificationKind.BackupFailed, "k", "failed", "t", "m");
                SlowForRaiser.Slow = false;
            });
            var resolver = Task.Run(() =>
            {
                start.SignalAndWait();
                Thread.Sleep(1);
                notifications.Resolve(BackupNotificationKind.BackupFailed, "k", "t", "m");
            });
            await Task.WhenAll(raiser, resolver);
            notifications.Resolve(BackupNotificationKind.BackupFailed, "k", "t", "m");
        }
        await notifications.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // Whatever the interleaving, the receiver sees failing, resolved, failing, resolved...: never a resolved first.
        Assert.Equal(100, sent.Events.Count);
        for (var i = 0; i < sent.Events.Count; i++)
        {
            Assert.Equal(i % 2 == 0 ? "backup-failed" : "backup-failed.resolved", sent.Events[i]);
        }
    }

    [Fact]
    public async Task BrokenChainsWithoutAFullBackup_AreOneIncidentPerSlot()
    {
        var sent = new Recording();
        await using var notifications = new BackupNotifications([sent], TimeProvider.System, NullLogger.Instance);

        notifications.ChainBroken(null, "backup_chain_a", "over the lag limit");
        notifications.ChainBroken(null, "backup_chain_b", "over the lag limit");
        notifications.ChainBroken(null, "backup_chain_a", "over the lag limit");
        await notifications.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["chain-broken:slot:backup_chain_a", "chain-broken:slot:backup_chain_b"], sent.Incidents);
    }

    private sealed class Recording : IBackupNotifier
    {
        private readonly Lock _lock = new();

        public List<string> Events { get; } = [];

        public List<string> Incidents { get; } = [];

        public string Name => "recording";

        public Task NotifyAsync(BackupNotification notification, CancellationToken cancellationToken = default)
        {
            lock (_lock)
            {
                Events.Add(notification.EventName);
                Incidents.Add(notification.IncidentKey);
            }
            return Task.CompletedTask;
        }
    }

    private sealed class Stuck : IBackupNotifier
    {
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "stuck";

        // Never finishes by itself, as a sender whose server accepts the connection and then says nothing.
        public async Task NotifyAsync(BackupNotification notification, CancellationToken cancellationToken = default)
        {
            using var _ = cancellationToken.Register(() => Cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }
    }

    private sealed class Gated : IBackupNotifier
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Incidents { get; } = [];

        public string Name => "gated";

        public async Task NotifyAsync(BackupNotification notification, CancellationToken cancellationToken = default)
        {
            Incidents.Add(notification.IncidentKey);
            Started.TrySetResult();
            await Open.Task;
        }
    }

    private sealed class SlowForRaiser : TimeProvider
    {
        [ThreadStatic]
        public static bool Slow;

        public override DateTimeOffset GetUtcNow()
        {
            if (Slow)
            {
                Thread.Sleep(5);
            }
            return base.GetUtcNow();
        }
    }
}
