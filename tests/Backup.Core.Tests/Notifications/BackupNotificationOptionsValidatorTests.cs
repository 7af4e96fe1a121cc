using Backup.Core.Notifications;

namespace Backup.Core.Tests.Notifications;

public sealed class BackupNotificationOptionsValidatorTests
{
    [Fact]
    public void JsonWebhookWithoutSecret_FailsNamingTheVariable_AndNeverQuotesTheUrl()
    {
        var options = new BackupNotificationOptions { Webhook = { Url = "ftp://hooks.example/tok3n" } };
        var result = new BackupNotificationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("BACKUP_WEBHOOK_SECRET", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("http:// or https://", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("tok3n", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SlackWebhookWithoutSecret_IsValid() =>
        Assert.True(new BackupNotificationOptionsValidator().Validate(null, new BackupNotificationOptions { Webhook = { Url = "https://hooks.slack.com/services/x", Format = WebhookFormat.Slack } }).Succeeded);
}
