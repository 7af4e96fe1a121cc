using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Notifications;

/// <summary>
/// POSTs each notification to a URL, signed (<see cref="WebhookSignature"/>), retried with
/// exponential backoff (each wait capped at 5 minutes) on 5xx, 408, 429, timeouts and connection errors, at most
/// <see cref="WebhookNotificationOptions.MaxAttempts"/> times. The URL may hold a token, so logs and
/// errors name only its host; the secret signs and is never sent.
/// </summary>
internal sealed class WebhookNotifier(HttpClient http, WebhookNotificationOptions options, TimeProvider time, ILogger logger) : IBackupNotifier
{
    private readonly Uri _url = new(options.Url ?? throw new ArgumentException("The webhook has no URL.", nameof(options)));

    public string Name => "webhook";

    public async Task NotifyAsync(BackupNotification notification, CancellationToken cancellationToken = default)
    {
        var body = WebhookPayload.Create(notification, options.Format);
        // One id for every attempt: a receiver that got an attempt whose answer was lost can drop the repeat.
        var delivery = Guid.NewGuid().ToString("N");
        for (var attempt = 1; ; attempt++)
        {
            var failure = await TryOnceAsync(notification, body, delivery, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return;
            }
            if (!failure.Value.Retry || attempt >= options.MaxAttempts)
            {
                throw new HttpRequestException($"Webhook to {_url.Host}: {failure.Value.Reason} (attempt {attempt} of {options.MaxAttempts}).");
            }
            // Capped per wait (the validator also bounds the sum): ten doublings of 5 minutes would be 42 hours.
            var delay = options.DelayAfter(attempt);
            Log.WebhookRetrying(logger, _url.Host, attempt, failure.Value.Reason, delay.TotalSeconds);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // Null when delivered; otherwise why, and whether another attempt could help.
    private async Task<(string Reason, bool Retry)?> TryOnceAsync(BackupNotification notification, byte[] body, string delivery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Backup-Event", notification.EventName);
        request.Headers.Add("X-Backup-Delivery", delivery);
        if (options.Secret is { } secret)
        {
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Create(secret, time.GetUtcNow(), body));
        }
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }
            var status = (int)response.StatusCode;
            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return ($"HTTP {status}", retry);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ($"no answer within {options.Timeout.TotalSeconds:0.#} s", true);
        }
        catch (HttpRequestException ex)
        {
            // The exception's own message may quote the URL; its kind says enough.
            return ($"connection failed ({ex.HttpRequestError})", true);
        }
    }
}
