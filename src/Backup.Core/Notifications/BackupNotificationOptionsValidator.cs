using Backup.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Backup.Core.Notifications;

/// <summary>Checks the notification options at start, with messages that name the setting and say what is expected.</summary>
internal sealed class BackupNotificationOptionsValidator : IValidateOptions<BackupNotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupNotificationOptions options)
    {
        var errors = new List<string>(options.EnvironmentErrors);
        var webhook = options.Webhook;
        if (webhook.Url is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                // The URL itself is not repeated: it may hold a token.
                errors.Add($"Backup:Notifications:Webhook:Url ({BackupEnvironmentVariables.WebhookUrl}) must be an absolute http:// or https:// URL.");
            }
            if (webhook.Secret is null && webhook.Format == WebhookFormat.Json)
            {
                errors.Add($"Backup:Notifications:Webhook:Secret ({BackupEnvironmentVariables.WebhookSecret}) is required for the JSON format: receivers check the X-Backup-Signature header with it. Set a random string of 16+ characters, or use the Slack format.");
            }
        }
        if (webhook.Secret is { Length: < 16 })
        {
            errors.Add($"Backup:Notifications:Webhook:Secret ({BackupEnvironmentVariables.WebhookSecret}) must be at least 16 characters.");
        }
        if (webhook.MaxAttempts is < 1 or > 10)
        {
            errors.Add($"Backup:Notifications:Webhook:MaxAttempts must be between 1 and 10; got {webhook.MaxAttempts}.");
        }
        if (webhook.RetryDelay < TimeSpan.Zero || webhook.RetryDelay > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Backup:Notifications:Webhook:RetryDelay must be between 0 and 5 minutes; got {webhook.RetryDelay}.");
        }
        if (webhook.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"Backup:Notifications:Webhook:Timeout must be positive; got {webhook.Timeout}.");
        }
        if (options.NotifierTimeout <= TimeSpan.Zero || options.NotifierTimeout > TimeSpan.FromMinutes(30))
        {
            errors.Add($"Backup:Notifications:NotifierTimeout must be between 0 and 30 minutes; got {options.NotifierTimeout}.");
        }
        else if (webhook.Url is not null && webhook.WorstCase() > options.NotifierTimeout)
        {
            // The dispatcher would abandon the webhook before its last attempts: say so at start, not at the first outage.
            errors.Add($"Backup:Notifications:Webhook: {webhook.MaxAttempts} attempts of up to {webhook.Timeout} with the waits between them can take {webhook.WorstCase()}, " +
                $"longer than Backup:Notifications:NotifierTimeout ({options.NotifierTimeout}). Lower MaxAttempts, RetryDelay or Timeout, or raise NotifierTimeout.");
        }
        if (options.ShutdownGrace < TimeSpan.Zero)
        {
            errors.Add($"Backup:Notifications:ShutdownGrace must not be negative; got {options.ShutdownGrace}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
