using System.Net;
using System.Text;
using System.Text.Json;
using Backup.Core.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Core.Tests.Notifications;

public sealed class WebhookNotifierTests
{
    private const string Secret = "s3cr3t-that-must-never-travel";

    private static readonly BackupNotification Failed = new()
    {
        Kind = BackupNotificationKind.BackupFailed,
        IncidentKey = "backup-failed:full/nightly",
        Title = "Backup failed: full backup of schedule 'nightly'",
        Message = "Backup 20260101 failed: connection refused.",
        OccurredAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        BackupId = "20260101",
        Details = new Dictionary<string, string> { ["schedule"] = "nightly" },
    };

    [Fact]
    public async Task Json_IsSignedCarriesTheIncidentAndNeverTheSecret()
    {
        var handler = new Recording(HttpStatusCode.OK);
        await Notifier(handler, WebhookFormat.Json).NotifyAsync(Failed);

        var request = Assert.Single(handler.Requests);
        Assert.DoesNotContain(Secret, request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, string.Join("\n", request.Headers), StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(Secret, request.Signature!, Encoding.UTF8.GetBytes(request.Body)));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("backup-failed", json.RootElement.GetProperty("event").GetString());
        Assert.Equal("failing", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("backup-failed:full/nightly", json.RootElement.GetProperty("incident").GetString());
        Assert.Equal("20260101", json.RootElement.GetProperty("backupId").GetString());
        Assert.Equal("nightly", json.RootElement.GetProperty("details").GetProperty("schedule").GetString());
    }

    [Fact]
    public async Task Slack_IsOnlyATextField_ResolvedTagged()
    {
        var handler = new Recording(HttpStatusCode.OK);
        await Notifier(handler, WebhookFormat.Slack).NotifyAsync(Failed with { Resolved = true, SuppressedRepeats = 3 });

        using var json = JsonDocument.Parse(Assert.Single(handler.Requests).Body);
        var property = Assert.Single(json.RootElement.EnumerateObject());
        Assert.Equal("text", property.Name);
        Assert.StartsWith("[RESOLVED] Backup failed", property.Value.GetString(), StringComparison.Ordinal);
        Assert.Contains("3 repeat(s)", property.Value.GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrors_AreRetriedWithTheSameDeliveryId_ThenDelivered()
    {
        var handler = new Recording(HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        await Notifier(handler, WebhookFormat.Json).NotifyAsync(Failed);

        Assert.Equal(3, handler.Requests.Count);
        Assert.Single(handler.Requests.Select(r => r.Delivery).Distinct());
    }

    [Fact]
    public async Task ClientError_IsNotRetried_AndTheErrorNamesOnlyTheHost()
    {
        var handler = new Recording(HttpStatusCode.BadRequest, HttpStatusCode.OK);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Notifier(handler, WebhookFormat.Json).NotifyAsync(Failed));

        Assert.Single(handler.Requests);
        Assert.Contains("hooks.example", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tok3n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrorsPastTheAttempts_FailAfterMaxAttempts()
    {
        var handler = new Recording(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        await Assert.ThrowsAsync<HttpRequestException>(() => Notifier(handler, WebhookFormat.Json).NotifyAsync(Failed));
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task Dispatcher_AFailingNotifierDoesNotStopTheNextNorThrowToTheRaiser()
    {
        var handler = new Recording(HttpStatusCode.OK);
        await using var notifications = new BackupNotifications([new Throwing(), Notifier(handler, WebhookFormat.Json)], TimeProvider.System, NullLogger.Instance);

        notifications.Raise(BackupNotificationKind.BackupFailed, "backup-failed:full/manual", "failed", "t", "m");
        notifications.Raise(BackupNotificationKind.BackupFailed, "backup-failed:full/manual", "failed", "t", "m");
        notifications.Resolve(BackupNotificationKind.BackupFailed, "backup-failed:full/manual", "t", "m");
        await notifications.FlushAsync();

        Assert.Equal(["backup-failed", "backup-failed.resolved"], handler.Requests.Select(r => r.Event));
    }

    private static WebhookNotifier Notifier(Recording handler, WebhookFormat format) => new(
        new HttpClient(handler),
        new WebhookNotificationOptions { Url = "https://hooks.example/services/tok3n", Secret = Secret, Format = format, RetryDelay = TimeSpan.FromMilliseconds(1) },
        TimeProvider.System,
        NullLogger.Instance);

    private sealed record Sent(string Body, string? Signature, string Delivery, string Event, IReadOnlyList<string> Headers);

    private sealed class Recording(params HttpStatusCode[] answers) : HttpMessageHandler
    {
        public List<Sent> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Requests.Add(new Sent(
                body,
                request.Headers.TryGetValues(WebhookSignature.HeaderName, out var s) ? s.Single() : null,
                request.Headers.GetValues("X-Backup-Delivery").Single(),
                request.Headers.GetValues("X-Backup-Event").Single(),
                [.. request.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")]));
            return new HttpResponseMessage(answers[Math.Min(Requests.Count - 1, answers.Length - 1)]);
        }
    }

    private sealed class Throwing : IBackupNotifier
    {
        public string Name => "throwing";

        public Task NotifyAsync(BackupNotification notification, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");
    }
}
