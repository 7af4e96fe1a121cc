using Backup.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Backup.Core.Notifications;

/// <summary>
/// Applies BACKUP_WEBHOOK_URL, BACKUP_WEBHOOK_SECRET and BACKUP_WEBHOOK_FORMAT, as
/// <see cref="EnvironmentOptionsSetup"/> does the other BACKUP_* variables: registered before the
/// configuration section and code, which both override it.
/// </summary>
internal sealed class NotificationEnvironmentSetup(BackupEnvironment environment) : IConfigureOptions<BackupNotificationOptions>
{
    public void Configure(BackupNotificationOptions options)
    {
        var webhook = options.Webhook;
        webhook.Url = environment.GetVariable(BackupEnvironmentVariables.WebhookUrl) ?? webhook.Url;
        webhook.Secret = environment.GetVariable(BackupEnvironmentVariables.WebhookSecret) ?? webhook.Secret;
        if (environment.GetVariable(BackupEnvironmentVariables.WebhookPayloadFormat) is { } format)
        {
            if (Enum.TryParse<WebhookFormat>(format, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(format, out _))
            {
                webhook.Format = parsed;
            }
            else
            {
                options.EnvironmentErrors.Add($"{BackupEnvironmentVariables.WebhookPayloadFormat} must be json or slack; got '{format}'.");
            }
        }
    }
}
