using System.Security.Cryptography;
using Backup.Core;
using Backup.Core.Configuration;
using Backup.Core.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backup.TestSupport;

/// <summary>A backup system wired the way a host wires it, against the test server and a temp directory.</summary>
public static class Services
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static ServiceProvider Build(string connection, string storeRoot, string? key, Action<BackupSystemBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<BackupEnvironment>(new NoEnvironment());
        services.AddBackupSystem(b =>
        {
            b.UsePostgres(connection, o => o.ToolsDirectory = TestServer.ToolsDirectory).UseLocalStorage(storeRoot);
            if (key is not null)
            {
                b.UseAesGcmEncryption(o => o.Key = key);
            }
            configure?.Invoke(b);
        });
        return services.BuildServiceProvider();
    }

    public static BackupService Service(this ServiceProvider provider) => provider.GetRequiredService<BackupService>();

    /// <summary>Tests must not pick up BACKUP_* variables from the machine they run on.</summary>
    private sealed class NoEnvironment : BackupEnvironment
    {
        public override string? GetVariable(string name) => null;
    }
}
