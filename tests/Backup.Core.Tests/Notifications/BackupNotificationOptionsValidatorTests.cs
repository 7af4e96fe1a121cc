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

    [Fact]
    public void RetriesLongerThanTheNotifierTimeout_Fail_NamingBothSettings()
    {
        // Was valid: 10 attempts, waits doubling from 5 minutes, about 42 hours for one message.
        var options = new BackupNotificationOptions { Webhook = { Url = "https://hooks.example/x", Secret = "0123456789abcdef0", MaxAttempts = 10, RetryDelay = TimeSpan.FromMinutes(5) } };
        var result = new BackupNotificationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("NotifierTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new BackupNotificationOptionsValidator().Validate(null, new BackupNotificationOptions { Webhook = { Url = "https://hooks.example/x", Secret = "0123456789abcdef0" } }).Succeeded);
    }

    [Fact]
    public void WebhookWaits_DoubleButNeverPastFiveMinutes()
    {
        var webhook = new WebhookNotificationOptions { MaxAttempts = 10, RetryDelay = TimeSpan.FromMinutes(1) };

        Assert.Equal([1, 2, 4, 5, 5, 5, 5, 5, 5], Enumerable.Range(1, 9).Select(a => webhook.DelayAfter(a).TotalMinutes));
        Assert.Equal(TimeSpan.FromMinutes(37) + TimeSpan.FromSeconds(100), webhook.WorstCase());
    }
}
