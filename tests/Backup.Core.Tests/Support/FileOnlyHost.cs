using Backup.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Core.Tests.Support;

/// <summary>File backups only, so no database: the service a host without DATABASE_URL gets.</summary>
internal static class FileOnlyHost
{
    public static ServiceProvider Build(string storeRoot, string? key, Action<BackupEncryptionOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem(b =>
        {
            b.UseLocalStorage(storeRoot);
            if (key is not null)
            {
                b.UseAesGcmEncryption(o =>
                {
                    o.Key = key;
                    configure?.Invoke(o);
                });
            }
        });
        return services.BuildServiceProvider();
    }
}
