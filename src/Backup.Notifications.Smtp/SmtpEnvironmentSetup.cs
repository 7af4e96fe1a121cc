using System.Globalization;
using Backup.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Backup.Notifications.Smtp;

/// <summary>Applies BACKUP_SMTP_*; registered before the configuration section and code, which override it.</summary>
internal sealed class SmtpEnvironmentSetup(BackupEnvironment environment) : IConfigureOptions<SmtpNotificationOptions>
{
    public void Configure(SmtpNotificationOptions options)
    {
        options.Host = environment.GetVariable(SmtpEnvironmentVariables.Host) ?? options.Host;
        options.UserName = environment.GetVariable(SmtpEnvironmentVariables.User) ?? options.UserName;
        options.Password = environment.GetVariable(SmtpEnvironmentVariables.Password) ?? options.Password;
        options.From = environment.GetVariable(SmtpEnvironmentVariables.From) ?? options.From;
        if (environment.GetVariable(SmtpEnvironmentVariables.To) is { } to)
        {
            options.To = [.. to.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        if (environment.GetVariable(SmtpEnvironmentVariables.Port) is { } port)
        {
            if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                options.Port = parsed;
            }
            else
            {
                options.EnvironmentErrors.Add($"{SmtpEnvironmentVariables.Port} must be a port number (e.g. 587); got '{port}'.");
            }
        }
        if (environment.GetVariable(SmtpEnvironmentVariables.Tls) is { } tls)
        {
            if (Enum.TryParse<SmtpTls>(tls, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(tls, out _))
            {
                options.Tls = parsed;
            }
            else
            {
                options.EnvironmentErrors.Add($"{SmtpEnvironmentVariables.Tls} must be auto, starttls, sslonconnect or none; got '{tls}'.");
            }
        }
    }
}
