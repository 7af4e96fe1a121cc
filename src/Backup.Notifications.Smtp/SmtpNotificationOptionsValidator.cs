using Microsoft.Extensions.Options;
using MimeKit;

namespace Backup.Notifications.Smtp;

/// <summary>Checks the SMTP options at start; messages name the setting and its variable, never the password.</summary>
internal sealed class SmtpNotificationOptionsValidator : IValidateOptions<SmtpNotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpNotificationOptions options)
    {
        var errors = new List<string>(options.EnvironmentErrors);
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add($"Backup:Notifications:Smtp:Host ({SmtpEnvironmentVariables.Host}) is required for e-mail notifications.");
        }
        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Backup:Notifications:Smtp:Port ({SmtpEnvironmentVariables.Port}) must be between 1 and 65535; got {options.Port}.");
        }
        if (options.From is null || !MailboxAddress.TryParse(options.From, out _))
        {
            errors.Add($"Backup:Notifications:Smtp:From ({SmtpEnvironmentVariables.From}) must be an e-mail address.");
        }
        if (options.To.Count == 0 || options.To.Any(to => !MailboxAddress.TryParse(to, out _)))
        {
            errors.Add($"Backup:Notifications:Smtp:To ({SmtpEnvironmentVariables.To}) must name one or more e-mail addresses.");
        }
        if ((options.UserName is null) != (options.Password is null))
        {
            errors.Add($"Backup:Notifications:Smtp:UserName and Password ({SmtpEnvironmentVariables.User}, {SmtpEnvironmentVariables.Password}) go together: set both or neither.");
        }
        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"Backup:Notifications:Smtp:Timeout must be positive; got {options.Timeout}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
