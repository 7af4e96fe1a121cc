using Backup.Core.DependencyInjection;
using Backup.Core.Notifications;
using Backup.Notifications.Smtp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the framework's namespace, like every AddXxx/UseXxx of the builder.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds e-mail notifications to the backup system.</summary>
public static class SmtpBackupSystemBuilderExtensions
{
    /// <summary>
    /// Mails notifications over SMTP: settings from BACKUP_SMTP_*, then <c>Backup:Notifications:Smtp</c>,
    /// then <paramref name="configure"/> (later wins), validated at start.
    /// </summary>
    public static BackupSystemBuilder UseSmtpNotifications(this BackupSystemBuilder builder, Action<SmtpNotificationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(SmtpNotifier)))
        {
            services.AddSingleton<IConfigureOptions<SmtpNotificationOptions>, SmtpEnvironmentSetup>();
            services.AddOptions<SmtpNotificationOptions>()
                .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(SmtpNotificationOptions.SectionName).Bind(o))
                .ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpNotificationOptions>, SmtpNotificationOptionsValidator>());
            services.AddSingleton<SmtpNotifier>();
            builder.AddNotifier(sp => sp.GetRequiredService<SmtpNotifier>());
        }
        if (configure is not null)
        {
            services.PostConfigure(configure);
        }
        return builder;
    }
}
